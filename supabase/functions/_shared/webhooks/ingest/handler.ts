// HTTP handlers for the provider webhooks (payments: Stripe's scheme; messaging: WhatsApp's).
// Order of work, so nothing unverified is parsed or stored:
//   rate limit (by client IP) → raw body bytes (size-capped, 413) → signature over those bytes
//   (400 malformed / 401 mismatch or stale) → parse + extract (400) → one idempotent insert →
//   200 {received, duplicate, events, stored}. Processing happens later, from the queue.
import { z } from 'npm:zod@^3.24.4';
import { loadEnv } from '../../config/env.ts';
import { assertContentLength, readLimited } from '../../http/body-limit.ts';
import { json, MethodNotAllowed, PayloadTooLarge, withErrors } from '../../http/errors.ts';
import type { RateLimitFn } from '../../ratelimit/middleware.ts';
import type { RouteName } from '../../ratelimit/policy.ts';
import { extractEvents, parseJsonBody, type Provider } from './events.ts';
import { STRIPE_SIGNATURE_HEADER, verifyStripeSignature } from './stripe-signature.ts';
import {
  verifyWhatsAppSignature,
  WHATSAPP_SIGNATURE_HEADER,
  whatsappVerifyHandshake,
} from './whatsapp-signature.ts';
import type { WebhookStore } from '../store.ts';

/** Providers send small JSON bodies (Stripe's events are a few KB); 1 MiB leaves ample room. */
export const DEFAULT_WEBHOOK_MAX_BYTES = 1024 * 1024;

// ---------------------------------------------------------------------------------------------
// Config
// ---------------------------------------------------------------------------------------------

const secretList = (name: string) =>
  z.string({ required_error: `${name} is required` })
    .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
    .refine((list) => list.length > 0, `${name} must list at least one secret`);

export const paymentsWebhookEnv = {
  /** Comma-separated endpoint secrets (whsec_…): several while one is being rotated. */
  STRIPE_WEBHOOK_SECRETS: secretList('STRIPE_WEBHOOK_SECRETS'),
  STRIPE_WEBHOOK_TOLERANCE_SECONDS: z.coerce.number().int().min(1).default(300),
  WEBHOOK_MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(DEFAULT_WEBHOOK_MAX_BYTES),
};

export const messagingWebhookEnv = {
  WHATSAPP_VERIFY_TOKEN: z.string({ required_error: 'WHATSAPP_VERIFY_TOKEN is required' })
    .min(8, 'WHATSAPP_VERIFY_TOKEN must be at least 8 characters'),
  /** Comma-separated app secrets: several while one is being rotated. */
  WHATSAPP_APP_SECRET: secretList('WHATSAPP_APP_SECRET'),
  WEBHOOK_MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(DEFAULT_WEBHOOK_MAX_BYTES),
};

export const loadPaymentsWebhookConfig = (source?: Record<string, string | undefined>) =>
  loadEnv(paymentsWebhookEnv, source);
export const loadMessagingWebhookConfig = (source?: Record<string, string | undefined>) =>
  loadEnv(messagingWebhookEnv, source);

// ---------------------------------------------------------------------------------------------
// Raw body
// ---------------------------------------------------------------------------------------------

/** The body exactly as sent, failing with 413 as soon as it passes `maxBytes`. */
export async function readRawBody(req: Request, maxBytes: number): Promise<Uint8Array> {
  const message = `Webhook body is larger than the limit of ${maxBytes} bytes`;
  assertContentLength(req.headers, maxBytes, message);
  return await readLimited(req.body, maxBytes, () => new PayloadTooLarge(message));
}

// ---------------------------------------------------------------------------------------------
// Handlers
// ---------------------------------------------------------------------------------------------

interface CommonDeps {
  store: WebhookStore;
  /** Absent: no rate limit (tests, or no Redis configured). */
  rateLimit?: RateLimitFn;
  maxBodyBytes?: number;
  now?: () => number;
}

export interface PaymentsWebhookDeps extends CommonDeps {
  stripeSecrets: readonly string[];
  toleranceSeconds?: number;
}

export interface MessagingWebhookDeps extends CommonDeps {
  verifyToken: string;
  appSecrets: readonly string[];
}

async function storeDelivery(
  deps: CommonDeps,
  provider: Provider,
  rawBody: Uint8Array,
  verifiedAt: number,
  headers: Record<string, string>,
): Promise<Response> {
  const events = extractEvents(provider, parseJsonBody(rawBody));
  const { received, stored } = await deps.store.insert(events, new Date(verifiedAt));
  return json(
    { received: true, duplicate: received > 0 && stored === 0, events: received, stored },
    200,
    headers,
  );
}

function gate(deps: CommonDeps, route: RouteName, req: Request): Promise<Record<string, string>> {
  return deps.rateLimit ? deps.rateLimit(route, req) : Promise.resolve({});
}

/** POST /payments-webhook: Stripe-signed event deliveries. */
export function createPaymentsWebhookHandler(
  deps: PaymentsWebhookDeps,
): (req: Request) => Promise<Response> {
  if (deps.stripeSecrets.length === 0) throw new Error('No Stripe webhook secret configured');
  const now = deps.now ?? Date.now;
  const maxBytes = deps.maxBodyBytes ?? DEFAULT_WEBHOOK_MAX_BYTES;
  return withErrors(async (req) => {
    if (req.method !== 'POST') throw new MethodNotAllowed(['POST']);
    const headers = await gate(deps, 'payments-webhook', req);
    const rawBody = await readRawBody(req, maxBytes);
    const verifiedAt = now();
    verifyStripeSignature({
      rawBody,
      header: req.headers.get(STRIPE_SIGNATURE_HEADER),
      secrets: deps.stripeSecrets,
      toleranceSeconds: deps.toleranceSeconds,
      now: verifiedAt,
    });
    return await storeDelivery(deps, 'stripe', rawBody, verifiedAt, headers);
  });
}

/** GET /messaging-webhook: Meta's hub.* handshake; POST: X-Hub-Signature-256-signed deliveries. */
export function createMessagingWebhookHandler(
  deps: MessagingWebhookDeps,
): (req: Request) => Promise<Response> {
  if (deps.appSecrets.length === 0) throw new Error('No WhatsApp app secret configured');
  if (!deps.verifyToken) throw new Error('No WhatsApp verify token configured');
  const now = deps.now ?? Date.now;
  const maxBytes = deps.maxBodyBytes ?? DEFAULT_WEBHOOK_MAX_BYTES;
  return withErrors(async (req) => {
    if (req.method !== 'GET' && req.method !== 'POST') throw new MethodNotAllowed(['GET', 'POST']);
    const headers = await gate(deps, 'messaging-webhook', req);
    if (req.method === 'GET') {
      const res = whatsappVerifyHandshake(new URL(req.url), deps.verifyToken);
      for (const [k, v] of Object.entries(headers)) res.headers.set(k, v);
      return res;
    }
    const rawBody = await readRawBody(req, maxBytes);
    verifyWhatsAppSignature({
      rawBody,
      header: req.headers.get(WHATSAPP_SIGNATURE_HEADER),
      appSecrets: deps.appSecrets,
    });
    return await storeDelivery(deps, 'whatsapp', rawBody, now(), headers);
  });
}
