// The SQL of the organisation operations routes, in one place. Each call runs as the caller
// (asUser: a user's claims, or the service role's) so the functions' own access checks see who
// asks; their errors become typed ones here.
import { asUser, type Claims, type Sql } from '../../db/client.ts';
import type { OrganisationList, OrganisationOverview } from './contract.ts';

export type Overview = Omit<OrganisationOverview, 'health'>;

export interface OrganisationOpsRepository {
  /** The caller's organisations with their role (RLS: their memberships). */
  memberships(caller: Claims): Promise<OrganisationList['data']>;
  overview(caller: Claims, organisationId: string): Promise<Overview>;
  /** The receipts replayed (back to pending). */
  replay(caller: Claims, organisationId: string, receiptIds: string[]): Promise<string[]>;
}

/** The caller is not a member of the organisation (or it does not exist). */
export class OrganisationNotFound extends Error {
  override name = 'OrganisationNotFound';
}

/** A member who is neither owner nor admin. */
export class NotAnAdmin extends Error {
  override name = 'NotAnAdmin';
}

function typed(err: unknown): never {
  const code = (err as { code?: string }).code;
  if (code === 'P0002') throw new OrganisationNotFound(String(err));
  if (code === '42501') throw new NotAnAdmin(String(err));
  throw err;
}

export function postgresOrganisationOpsRepository(sql: Sql): OrganisationOpsRepository {
  return {
    memberships: (caller) =>
      asUser(sql, caller, (tx) =>
        tx<OrganisationList['data']>`
          select o.id, o.name, o.personal, m.role::text as role,
                 m.role in ('owner', 'admin') as can_operate
          from public.memberships as m
          join public.organisations as o on o.id = m.organisation_id
          where m.user_id = ${caller.sub ?? null}
          order by o.personal desc, o.name, o.id`),
    overview: (caller, organisationId) =>
      asUser(sql, caller, async (tx) => {
        const [row] = await tx<{ overview: Overview }[]>`
          select public.organisation_operations_overview(${organisationId}) as overview`;
        return row.overview;
      }).catch(typed),
    replay: (caller, organisationId, receiptIds) =>
      asUser(sql, caller, async (tx) => {
        const [row] = await tx<{ replayed: string[] }[]>`
          select public.replay_organisation_dead_letters(${organisationId}, ${receiptIds}::uuid[])
            as replayed`;
        return row.replayed;
      }).catch(typed),
  };
}
