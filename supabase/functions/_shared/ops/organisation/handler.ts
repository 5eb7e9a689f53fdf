// Organisation operations, for the organisation's owners and admins (the service role: any):
//   GET  /ops/organisations                               the caller's organisations and roles
//   GET  /ops/organisations/<id>/overview                 queue, dead letters, alerts, health
//   POST /ops/organisations/<id>/dead-letters/replay      {receipt_ids}  200 {replayed, skipped}
// Every statement runs as the caller; the SQL functions check the role (…500200 migration).
import { createRouter } from '../../http/router.ts';
import { organisationOpsContext, type OrganisationOpsDeps } from './context.ts';
import { listRoutes } from './routes/list.ts';
import { overviewRoutes } from './routes/overview.ts';
import { replayRoutes } from './routes/replay.ts';

export type { OrganisationOpsDeps } from './context.ts';

export const ORGANISATION_OPS_BASE = '/ops/organisations';

/** The router (errors and CORS are the ops handler's, around it). */
export function createOrganisationOpsRouter(
  deps: OrganisationOpsDeps,
): (req: Request) => Promise<Response> {
  const ctx = organisationOpsContext(deps);
  return createRouter([...listRoutes(ctx), ...overviewRoutes(ctx), ...replayRoutes(ctx)], {
    base: ORGANISATION_OPS_BASE,
  });
}
