import { z } from 'npm:zod@^3.24.4';
import type { Params } from '../../../http/router.ts';

const uuid = z.string().uuid();

/** The route's organisation id, lower-cased, or null when it is not a UUID. */
export function organisationId(params: Params): string | null {
  const id = params.organisation_id ?? '';
  return uuid.safeParse(id).success ? id.toLowerCase() : null;
}
