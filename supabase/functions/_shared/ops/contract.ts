// The operations surfaces' contract as zod schemas (health, metrics, erasure, the alert webhook):
// the erasure route validates with them; the OpenAPI document is generated from them.
import { z } from 'npm:zod@^3.24.4';
import { errorBody } from '../http/contract.ts';
import { type ApiCallback, type ApiRoute, errorResponses, named } from '../http/openapi.ts';

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
  counts: z.record(z.union([z.number().int(), z.boolean()])).describe(
    'Rows removed per kind; kept_for_ledger: true when the person holds wallet accounts and ' +
      'stays as an anonymous key the ledger names',
  ),
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

// ---- the routes, for the OpenAPI document (http/openapi.ts) -----------------------------
const ErrorJson = named('Error', errorBody);
const Health = named('Health', healthBody);

export const operationsApiRoutes: ApiRoute[] = [
  {
    method: 'get',
    path: '/health',
    summary: 'Dependencies and overall status (details for the service role)',
    auth: 'public',
    responses: {
      200: { description: 'healthy or degraded', body: Health },
      503: { description: 'unhealthy', body: Health },
    },
  },
  {
    method: 'get',
    path: '/health/live',
    summary: 'Liveness probe',
    auth: 'public',
    responses: { 200: { description: 'Alive', body: named('Liveness', livenessBody) } },
  },
  {
    method: 'get',
    path: '/health/ready',
    summary: 'Readiness probe: every critical dependency up',
    auth: 'public',
    responses: {
      200: { description: 'Ready', body: Health },
      503: { description: 'Not ready', body: Health },
    },
  },
  {
    method: 'get',
    path: '/ops/metrics',
    summary:
      'Operations metrics (JSON, or Prometheus text with Accept: text/plain or ?format=prometheus)',
    auth: 'operator',
    query: z.object({ format: z.enum(['json', 'prometheus']).optional() }),
    responses: {
      200: {
        description: 'Metrics',
        body: named('Metrics', metricsBody),
        content: { 'text/plain': { schema: { type: 'string' } } },
      },
      ...errorResponses(ErrorJson, 401, 403),
    },
  },
  {
    method: 'post',
    path: '/ops/erasure',
    summary: 'GDPR erasure of one person',
    auth: 'operator',
    body: named('ErasureRequest', erasureRequest),
    responses: {
      200: { description: 'Erased', body: named('Erasure', erasureBody) },
      ...errorResponses(ErrorJson, 400, 401, 403, 404),
    },
  },
  {
    method: 'get',
    path: '/ops/openapi.json',
    summary: 'This document',
    auth: 'public',
    responses: { 200: { description: 'OpenAPI 3.1' } },
  },
];

export const operationsCallbacks: ApiCallback[] = [{
  name: 'alert',
  summary:
    'Sent by the database (pg_net) to the Vault URL tallyq_alert_webhook_url when an alert fires or resolves',
  body: named('AlertNotification', alertNotification),
}];
