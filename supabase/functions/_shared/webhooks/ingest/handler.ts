// HTTP handlers for the provider webhooks (payments: Stripe's scheme; messaging: WhatsApp's).
// Order of work, so nothing unverified is parsed or stored:
//   rate limit (by client IP) → raw body bytes (size-capped, 413) → signature over those bytes
//   (400 malformed / 401 mismatch or stale) → parse + extract (400) → one idempotent insert →
//   200 {received, duplicate, events, stored}. Processing happens later, from the queue.
import { z } from 'npm:zod@^3.24.4';
import { loadEnv } from '../../config/env.ts';
import { assertContentLength, readLimited } from '../../http/body-limit.ts';
import {
  json,
  MethodNotAllowed,
  NotFound,
  PayloadTooLarge,
  withErrors,
} from '../../http/errors.ts';
import type { RateLimitFn } from '../../ratelimit/middleware.ts';
import type { RouteName } from '../../ratelimit/policy.ts';
import {
  extractEvents,
  extractMomoEvents,
  extractRevolutEvents,
  parseJsonBody,
  type WebhookEventRecord,
} from './events.ts';
import { verifyMomoCallback } from './momo-callback.ts';
import {
  REVOLUT_SIGNATURE_HEADER,
  REVOLUT_TIMESTAMP_HEADER,
  verifyRevolutSignature,
} from './revolut-signature.ts';
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

const optionalSecretList = (name: string) =>
  z.string().optional().transform((s) => (s ?? '').split(',').map((x) => x.trim()).filter(Boolean))
    .refine((list) => list.every((x) => x.length >= 16), `${name} secrets must be 16+ characters`);

export const paymentsWebhookEnv = {
  /** Comma-separated endpoint secrets (whsec_…): several while one is being rotated. */
  STRIPE_WEBHOOK_SECRETS: secretList('STRIPE_WEBHOOK_SECRETS'),
  STRIPE_WEBHOOK_TOLERANCE_SECONDS: z.coerce.number().int().min(1).default(300),
  /** MoMo callback URL keys (see momo-callback.ts); unset: /payments-webhook/momo answers 404. */
  MOMO_CALLBACK_SECRETS: optionalSecretList('MOMO_CALLBACK_SECRETS'),
  /** Revolut webhook signing secrets (wsk_…); unset: /payments-webhook/revolut answers 404. */
  REVOLUT_WEBHOOK_SECRETS: optionalSecretList('REVOLUT_WEBHOOK_SECRETS'),
  REVOLUT_WEBHOOK_TOLERANCE_SECONDS: z.coerce.number().int().min(1).default(300),
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
  momoSecrets?: readonly string[];
  revolutSecrets?: readonly string[];
  revolutToleranceSeconds?: number;
}

export interface MessagingWebhookDeps extends CommonDeps {
  verifyToken: string;
  appSecrets: readonly string[];
}

async function storeDelivery(
  deps: CommonDeps,
  events: WebhookEventRecord[],
  verifiedAt: number,
  headers: Record<string, string>,
): Promise<Response> {
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

/** The provider a payments-webhook path names: `/payments-webhook[/momo|/revolut]`. */
function paymentsProvider(url: URL): 'stripe' | 'momo' | 'revolut' | null {
  const tail = url.pathname.replace(/\/+$/, '').match(/payments-webhook(\/[a-z]+)?$/);
  if (!tail) return null;
  return tail[1] === '/momo'
    ? 'momo'
    : tail[1] === '/revolut'
    ? 'revolut'
    : tail[1]
    ? null
    : 'stripe';
}

/**
 * POST /payments-webhook: Stripe-signed events; POST|PUT /payments-webhook/momo: MoMo callbacks
 * (URL-keyed, see momo-callback.ts); POST /payments-webhook/revolut: Revolut-signed events.
 */
export function createPaymentsWebhookHandler(
  deps: PaymentsWebhookDeps,
): (req: Request) => Promise<Response> {
  if (deps.stripeSecrets.length === 0) throw new Error('No Stripe webhook secret configured');
  const now = deps.now ?? Date.now;
  const maxBytes = deps.maxBodyBytes ?? DEFAULT_WEBHOOK_MAX_BYTES;
  return withErrors(async (req) => {
    const url = new URL(req.url);
    const provider = paymentsProvider(url);
    const secrets = provider === 'momo'
      ? deps.momoSecrets
      : provider === 'revolut'
      ? deps.revolutSecrets
      : deps.stripeSecrets;
    if (!provider || !secrets?.length) {
      throw new NotFound('No such payment provider endpoint', 'provider_not_configured');
    }
    const methods = provider === 'momo' ? ['POST', 'PUT'] : ['POST'];
    if (!methods.includes(req.method)) throw new MethodNotAllowed(methods);
    const headers = await gate(deps, 'payments-webhook', req);
    const rawBody = await readRawBody(req, maxBytes);
    const verifiedAt = now();
    let events: WebhookEventRecord[];
    if (provider === 'momo') {
      const callback = verifyMomoCallback(url, secrets);
      events = extractMomoEvents(parseJsonBody(rawBody), callback, verifiedAt);
    } else if (provider === 'revolut') {
      verifyRevolutSignature({
        rawBody,
        signatureHeader: req.headers.get(REVOLUT_SIGNATURE_HEADER),
        timestampHeader: req.headers.get(REVOLUT_TIMESTAMP_HEADER),
        secrets,
        toleranceSeconds: deps.revolutToleranceSeconds,
        now: verifiedAt,
      });
      events = extractRevolutEvents(parseJsonBody(rawBody));
    } else {
      verifyStripeSignature({
        rawBody,
        header: req.headers.get(STRIPE_SIGNATURE_HEADER),
        secrets,
        toleranceSeconds: deps.toleranceSeconds,
        now: verifiedAt,
      });
      events = extractEvents('stripe', parseJsonBody(rawBody));
    }
    return await storeDelivery(deps, events, verifiedAt, headers);
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
    const events = extractEvents('whatsapp', parseJsonBody(rawBody));
    return await storeDelivery(deps, events, now(), headers);
  });
}
