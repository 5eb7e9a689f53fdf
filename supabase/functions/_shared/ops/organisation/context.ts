// What the organisation operations routes are given (injected, so they are unit-tested with
// fakes), and the caller check they share: an organisation's owner or admin signs in with their
// own access token; operators use the service role.
import type { UserClaims } from '../../auth/jwt.ts';
import type { Claims } from '../../db/client.ts';
import { Forbidden, NotFound } from '../../http/errors.ts';
import type { OrganisationOverview } from './contract.ts';
import { NotAnAdmin, OrganisationNotFound, type OrganisationOpsRepository } from './repository.ts';

export type OrganisationOpsDeps = {
  repository: OrganisationOpsRepository;
  verifier: { verifyUser(req: Request): Promise<UserClaims> };
  isServiceRole: (req: Request) => Promise<boolean>;
  /** The platform's health (the /health probes), as one status. */
  health: () => Promise<OrganisationOverview['health']>;
};

export type OrganisationOpsContext = OrganisationOpsDeps & {
  caller(req: Request): Promise<Claims>;
  /** Runs a repository call, mapping its access errors to 404 / 403. */
  guarded<T>(call: () => Promise<T>): Promise<T>;
};

export function organisationOpsContext(deps: OrganisationOpsDeps): OrganisationOpsContext {
  return {
    ...deps,
    async caller(req) {
      if (await deps.isServiceRole(req)) return { role: 'service_role' };
      const claims = await deps.verifier.verifyUser(req);
      if (claims.role !== 'authenticated') {
        throw new Forbidden('Sign in as an organisation owner or admin', 'forbidden');
      }
      return { ...claims, sub: claims.sub, role: claims.role };
    },
    async guarded(call) {
      try {
        return await call();
      } catch (err) {
        if (err instanceof OrganisationNotFound) {
          throw new NotFound('Organisation not found', 'organisation_not_found');
        }
        if (err instanceof NotAnAdmin) {
          throw new Forbidden(
            "Only the organisation's owners and admins can see and act on its operations",
            'forbidden',
          );
        }
        throw err;
      }
    },
  };
}
