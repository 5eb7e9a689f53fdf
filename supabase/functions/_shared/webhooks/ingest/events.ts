// Normalises verified, parsed webhook bodies into rows ready to store once by provider event id
// (the lead's `webhook_events` table + pgmq): { provider, event_id, event_type, occurred_at,
// payload }. A Stripe delivery is one event; a WhatsApp delivery may batch several messages and
// status updates, so extraction always returns a list.

import { z } from 'npm:zod@^3.24.4';
import { WebhookSignatureError } from './errors.ts';
import { type RawBody, toBytes } from './hmac.ts';
import { sha256Hex } from '../../crypto/sha256.ts';

export type Provider = 'stripe' | 'whatsapp' | 'momo' | 'revolut';

export interface WebhookEventRecord {
  provider: Provider;
  /** Unique per provider: the idempotency key for storing the event once. */
  event_id: string;
  event_type: string;
  /** ISO-8601 UTC, from the provider's own timestamp. */
  occurred_at: string;
  payload: Record<string, unknown>;
}

/** Parses a body whose signature has already been verified; 400 when it is not JSON. */
export function parseJsonBody(rawBody: RawBody): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(toBytes(rawBody)));
  } catch {
    throw new WebhookSignatureError('invalid_payload', 'Webhook body is not valid JSON');
  }
}

function invalid(provider: string, error: z.ZodError): never {
  const where = error.issues[0]?.path.join('.') || 'body';
  throw new WebhookSignatureError(
    'invalid_payload',
    `Unexpected ${provider} event shape at ${where}`,
  );
}

const isoFromSeconds = (s: number) => new Date(s * 1000).toISOString();

// ---------------------------------------------------------------------------------------------
// Stripe
// ---------------------------------------------------------------------------------------------

export const stripeEventSchema = z.object({
  id: z.string().min(1),
  object: z.literal('event').optional(),
  type: z.string().min(1),
  created: z.number().int().positive(),
}).passthrough();

/** The 200 answer to a verified webhook delivery (its events are stored once, processed later). */
export const webhookAckBody = z.object({
  received: z.literal(true),
  duplicate: z.boolean().describe('Every event in it was stored before'),
  events: z.number().int(),
  stored: z.number().int(),
});
export type WebhookAck = z.infer<typeof webhookAckBody>;

export function extractStripeEvents(body: unknown): WebhookEventRecord[] {
  const parsed = stripeEventSchema.safeParse(body);
  if (!parsed.success) invalid('Stripe', parsed.error);
  const e = parsed.data;
  return [{
    provider: 'stripe',
    event_id: e.id,
    event_type: e.type,
    occurred_at: isoFromSeconds(e.created),
    payload: e,
  }];
}

// ---------------------------------------------------------------------------------------------
// WhatsApp Cloud API
// ---------------------------------------------------------------------------------------------

const unixSeconds = z.union([z.string().regex(/^\d+$/), z.number().int()]).transform(Number);

export const whatsappSchema = z.object({
  object: z.literal('whatsapp_business_account'),
  entry: z.array(z.object({
    id: z.string(),
    time: z.number().optional(),
    changes: z.array(z.object({
      field: z.string(),
      value: z.object({
        metadata: z.record(z.unknown()).optional(),
        contacts: z.array(z.object({ wa_id: z.string() }).passthrough()).optional(),
        messages: z.array(
          z.object({ id: z.string().min(1), timestamp: unixSeconds, type: z.string() })
            .passthrough(),
        ).optional(),
        statuses: z.array(
          z.object({ id: z.string().min(1), status: z.string(), timestamp: unixSeconds })
            .passthrough(),
        ).optional(),
      }).passthrough(),
    })),
  })),
});

export function extractWhatsAppEvents(body: unknown, now = Date.now()): WebhookEventRecord[] {
  const parsed = whatsappSchema.safeParse(body);
  if (!parsed.success) invalid('WhatsApp', parsed.error);
  const out: WebhookEventRecord[] = [];
  for (const entry of parsed.data.entry) {
    for (const change of entry.changes) {
      const { messages, statuses, metadata, contacts } = change.value;
      for (const message of messages ?? []) {
        out.push({
          provider: 'whatsapp',
          event_id: message.id,
          event_type: `message.${message.type}`,
          occurred_at: isoFromSeconds(message.timestamp),
          payload: { entry_id: entry.id, field: change.field, metadata, contacts, message },
        });
      }
      for (const status of statuses ?? []) {
        // One message id goes through sent → delivered → read: each transition is its own event.
        out.push({
          provider: 'whatsapp',
          event_id: `${status.id}:${status.status}`,
          event_type: `status.${status.status}`,
          occurred_at: isoFromSeconds(status.timestamp),
          payload: { entry_id: entry.id, field: change.field, metadata, status },
        });
      }
      if (!messages?.length && !statuses?.length) {
        // Other fields (template status, account updates…) carry no id: derive a stable one.
        const digest = sha256Hex(JSON.stringify([entry.id, change.field, change.value])).slice(
          0,
          32,
        );
        out.push({
          provider: 'whatsapp',
          event_id: `${change.field}:${digest}`,
          event_type: change.field,
          occurred_at: new Date(entry.time ? entry.time * 1000 : now).toISOString(),
          payload: { entry_id: entry.id, field: change.field, value: change.value },
        });
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// MTN MoMo (collection request-to-pay / disbursement transfer callbacks)
// ---------------------------------------------------------------------------------------------

export const momoCallbackSchema = z.object({
  amount: z.union([z.string(), z.number()]),
  currency: z.string().regex(/^[A-Za-z]{3}$/),
  status: z.enum(['PENDING', 'SUCCESSFUL', 'FAILED']),
  financialTransactionId: z.string().optional(),
  externalId: z.string().optional(),
}).passthrough();

/** A callback has no event id or time: one event per (reference, status), at verification time. */
export function extractMomoEvents(
  body: unknown,
  callback: { referenceId: string; product: 'collection' | 'disbursement' },
  now = Date.now(),
): WebhookEventRecord[] {
  const parsed = momoCallbackSchema.safeParse(body);
  if (!parsed.success) invalid('MoMo', parsed.error);
  return [{
    provider: 'momo',
    event_id: `${callback.referenceId}:${parsed.data.status}`,
    event_type: `${callback.product}.${parsed.data.status.toLowerCase()}`,
    occurred_at: new Date(now).toISOString(),
    payload: {
      reference_id: callback.referenceId,
      product: callback.product,
      callback: parsed.data,
    },
  }];
}

// ---------------------------------------------------------------------------------------------
// Revolut Business (TransactionCreated / TransactionStateChanged)
// ---------------------------------------------------------------------------------------------

export const revolutEventSchema = z.object({
  event: z.string().min(1),
  timestamp: z.string().datetime({ offset: true }),
  data: z.object({
    id: z.string().min(1),
    state: z.string().optional(),
    new_state: z.string().optional(),
  }).passthrough(),
}).passthrough();

/** Revolut events carry no id: (event, transaction, state) names each one stably. */
export function extractRevolutEvents(body: unknown): WebhookEventRecord[] {
  const parsed = revolutEventSchema.safeParse(body);
  if (!parsed.success) invalid('Revolut', parsed.error);
  const e = parsed.data;
  const state = e.data.new_state ?? e.data.state ?? 'unknown';
  return [{
    provider: 'revolut',
    event_id: `${e.event}:${e.data.id}:${state}`,
    event_type: e.event,
    occurred_at: new Date(e.timestamp).toISOString(),
    payload: e,
  }];
}

export function extractEvents(
  provider: 'stripe' | 'whatsapp',
  body: unknown,
): WebhookEventRecord[] {
  return provider === 'stripe' ? extractStripeEvents(body) : extractWhatsAppEvents(body);
}
