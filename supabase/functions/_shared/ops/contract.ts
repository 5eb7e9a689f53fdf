// The operations surfaces' contract as zod schemas (health, metrics, erasure, the alert webhook):
// the erasure route validates with them; the OpenAPI document is generated from them.
import { z } from 'npm:zod@^3.24.4';

const check = z.object({
  status: z.enum(['up', 'down', 'not_configured']),
  critical: z.boolean().optional().describe('service role only'),
  latency_ms: z.number().optional().describe('service role only'),
  timeout_ms: z.number().int().optional().describe('service role only'),
  error: z.string().optional().describe('service role only'),
});

export const healthBody = z.object({
  status: z.enum(['healthy', 'degraded', 'unhealthy']),
  checks: z.record(check),
  ready: z.boolean().optional().describe('/health/ready only'),
  service: z.literal('tallyq'),
  time: z.string().datetime(),
});

export const livenessBody = z.object({
  status: z.literal('alive'),
  service: z.literal('tallyq'),
  time: z.string().datetime(),
});

const percentiles = z.object({
  count: z.number().int(),
  p50: z.number().nullable(),
  p95: z.number().nullable(),
});
const queue = z.object({
  depth: z.number().int(),
  in_flight: z.number().int(),
  oldest_message_age_seconds: z.number().int(),
  dead_lettered: z.number().int(),
  dead_lettered_per_minute: z.number().int(),
  processed_per_minute: z.number().int(),
});

export const metricsBody = z.object({
  generated_at: z.string(),
  window_seconds: z.number().int(),
  queues: z.record(queue),
  receipts: z.object({
    processed_per_minute: z.number().int(),
    failed_per_minute: z.number().int(),
    processing: z.number().int(),
    settle_seconds: percentiles,
  }),
  textract: z.object({ latency_ms: percentiles }),
  ledger: z.object({
    transfers_per_minute: z.number().int(),
    reconciliation_discrepancies: z.number().int(),
  }).nullable().optional(),
  rate_limit: z.object({
    rejections_per_minute: z.record(z.number().int().nullable())
      .describe('null: Redis unreachable, the number is unknown'),
  }),
});

export const erasureRequest = z.object({ user_id: z.string().uuid() }).strict();

export const erasureBody = z.object({
  counts: z.record(z.number().int()).describe('Rows removed per kind'),
  blobs_deleted: z.number().int(),
});

/** What private.notify_alert POSTs to the Vault URL tallyq_alert_webhook_url. */
export const alertNotification = z.object({
  id: z.number().int(),
  rule: z.string(),
  subject: z.string(),
  severity: z.enum(['warning', 'critical']),
  status: z.enum(['firing', 'resolved']),
  summary: z.string(),
  details: z.record(z.unknown()),
  fired_at: z.string(),
  resolved_at: z.string().nullable(),
  text: z.string().describe('Slack-compatible one-line summary'),
});
