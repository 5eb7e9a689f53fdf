// POST /ops/organisations/<id>/dead-letters/replay {receipt_ids}: replays the organisation's
// dead letters among the ids (others are skipped, never touched). Recorded with who on each
// receipt's replayed event. 200 {replayed, skipped} | 400 | 401 | 403 | 404.
import { readLimited } from '../../../http/body-limit.ts';
import { BadRequest, json } from '../../../http/errors.ts';
import { route } from '../../../http/router.ts';
import type { OrganisationOpsContext } from '../context.ts';
import { replayRequest } from '../contract.ts';
import { organisationId } from './params.ts';

const MAX_BODY_BYTES = 16 * 1024;

async function readReplayRequest(req: Request) {
  const bytes = await readLimited(req.body, MAX_BODY_BYTES);
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new BadRequest(
      'Request body must be JSON: {"receipt_ids": ["<uuid>", …]}',
      'invalid_body',
    );
  }
  const parsed = replayRequest.safeParse(value);
  if (!parsed.success) {
    throw new BadRequest(
      'receipt_ids must list 1 to 100 receipt ids (UUIDs) to replay',
      'invalid_body',
    );
  }
  return parsed.data;
}

export function replayRoutes(ctx: OrganisationOpsContext) {
  return [
    route('POST', '/:organisation_id/dead-letters/replay', async (req, params) => {
      const caller = await ctx.caller(req);
      const id = organisationId(params);
      if (!id) throw new BadRequest('Organisation id must be a UUID', 'invalid_id');
      const { receipt_ids } = await readReplayRequest(req);
      const named = [...new Set(receipt_ids.map((r) => r.toLowerCase()))];
      const replayed = await ctx.guarded(() => ctx.repository.replay(caller, id, named));
      const done = new Set(replayed);
      return json({ replayed, skipped: named.filter((r) => !done.has(r)) }, 200);
    }),
  ];
}
