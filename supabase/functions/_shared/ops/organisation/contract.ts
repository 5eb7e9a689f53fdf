// Organisation operations (for its owners and admins) as zod schemas: the routes validate with
// them, and the OpenAPI document (ops/openapi.ts) is generated from them.
import { z } from 'npm:zod@^3.24.4';

const timestamp = z.string().datetime({ offset: true });

export const organisationOverviewBody = z.object({
  queue: z.object({
    depth: z.number().int().describe("The organisation's receipts waiting for OCR"),
    in_flight: z.number().int().describe('Being read by a worker now'),
    oldest_age_seconds: z.number().int().describe('Age of the oldest waiting or in-flight one'),
  }),
  dead_letters: z.array(z.object({
    receipt_id: z.string().uuid(),
    original_filename: z.string().nullable(),
    reason: z.string().nullable().describe('Why it could not be read'),
    attempts: z.number().int(),
    status: z.string().describe('failed, or the status it reached since (replay archives it)'),
    failed_at: timestamp,
  })).describe('Newest first, at most 100'),
  dead_letters_total: z.number().int(),
  alerts: z.array(z.object({
    rule: z.string(),
    severity: z.enum(['warning', 'critical']),
    status: z.enum(['firing', 'resolved']),
    message: z.string().describe("The rule's description: no other organisation's figures"),
    fired_at: timestamp,
    resolved_at: timestamp.nullable(),
  })).describe('Firing, and fired in the last 7 days, of the shared receipt pipeline'),
  health: z.object({ status: z.enum(['healthy', 'degraded', 'unhealthy']) }),
});
export type OrganisationOverview = z.infer<typeof organisationOverviewBody>;

export const organisationListBody = z.object({
  data: z.array(z.object({
    id: z.string().uuid(),
    name: z.string(),
    personal: z.boolean().describe("The caller's own organisation, made at sign-up"),
    role: z.enum(['owner', 'admin', 'member']),
    can_operate: z.boolean().describe('Owners and admins see the overview and may replay'),
  })).describe('Personal first, then by name'),
});
export type OrganisationList = z.infer<typeof organisationListBody>;

export const replayRequest = z.object({
  receipt_ids: z.array(z.string().uuid()).min(1).max(100),
}).strict();

export const replayBody = z.object({
  replayed: z.array(z.string().uuid()).describe('Back to pending, queued for OCR again'),
  skipped: z.array(z.string().uuid()).describe(
    "Named but not replayed: not this organisation's dead letter, or no longer failed",
  ),
});
