// GET /ops/organisations/<id>/overview: the organisation's queue, dead letters, the shared
// pipeline's recent alerts and the platform's health. 200 | 401 | 403 (member) | 404 (stranger).
import { BadRequest, json } from '../../../http/errors.ts';
import { route } from '../../../http/router.ts';
import type { OrganisationOpsContext } from '../context.ts';
import type { OrganisationOverview } from '../contract.ts';
import { organisationId } from './params.ts';

export function overviewRoutes(ctx: OrganisationOpsContext) {
  return [
    route('GET', '/:organisation_id/overview', async (req, params) => {
      const caller = await ctx.caller(req);
      const id = organisationId(params);
      if (!id) throw new BadRequest('Organisation id must be a UUID', 'invalid_id');
      const [overview, health] = await Promise.all([
        ctx.guarded(() => ctx.repository.overview(caller, id)),
        ctx.health(),
      ]);
      const body: OrganisationOverview = { ...overview, health };
      return json(body, 200, { 'cache-control': 'no-store' });
    }),
  ];
}
