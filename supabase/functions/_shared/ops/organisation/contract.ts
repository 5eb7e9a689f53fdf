// Organisation operations (for its owners and admins) as zod schemas: the routes validate with
// them, and the OpenAPI document (ops/openapi.ts) is generated from them.
import { z } from 'npm:zod@^3.24.4';
import { errorBody } from '../../http/contract.ts';
import { type ApiRoute, errorResponses, named } from '../../http/openapi.ts';

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

// ---- the routes, for the OpenAPI document (http/openapi.ts) -----------------------------
const ErrorJson = named('Error', errorBody);
const organisationId = { organisation_id: z.string().uuid() };

export const organisationApiRoutes: ApiRoute[] = [
  {
    method: 'get',
    path: '/ops/organisations',
    summary: "The signed-in user's organisations, their role, and whether they may operate them",
    auth: 'user',
    responses: {
      200: {
        description: 'The organisations',
        body: named('OrganisationList', organisationListBody),
      },
      ...errorResponses(ErrorJson, 401, 403),
    },
  },
  {
    method: 'get',
    path: '/ops/organisations/{organisation_id}/overview',
    summary: "An organisation's operations: its queue, its dead letters, the pipeline's alerts, " +
      'health. For its owners and admins (and the service role); 403 for other members, 404 for anyone else',
    auth: 'user',
    pathParams: organisationId,
    responses: {
      200: {
        description: 'The overview',
        body: named('OrganisationOverview', organisationOverviewBody),
      },
      ...errorResponses(ErrorJson, 400, 401, 403, 404),
    },
  },
  {
    method: 'post',
    path: '/ops/organisations/{organisation_id}/dead-letters/replay',
    summary: "Replay the organisation's dead letters among the ids (others are skipped); each " +
      'replayed event records who asked',
    auth: 'user',
    pathParams: organisationId,
    body: named('DeadLetterReplayRequest', replayRequest),
    responses: {
      200: { description: 'What was replayed', body: named('DeadLetterReplay', replayBody) },
      ...errorResponses(ErrorJson, 400, 401, 403, 404),
    },
  },
];
