// GET /ops/organisations: the signed-in user's organisations with their role, so an app knows
// whose operations it may show (can_operate: owners and admins). Users only: 403 for API keys.
import { InsufficientScope } from '../../../auth/jwt.ts';
import { json } from '../../../http/errors.ts';
import { route } from '../../../http/router.ts';
import type { OrganisationOpsContext } from '../context.ts';

export function listRoutes(ctx: OrganisationOpsContext) {
  return [
    route('GET', '', async (req) => {
      const caller = await ctx.caller(req);
      if (caller.role !== 'authenticated') {
        throw new InsufficientScope("Lists the signed-in user's organisations: send their token");
      }
      return json({ data: await ctx.repository.memberships(caller) }, 200, {
        'cache-control': 'no-store',
      });
    }),
  ];
}
