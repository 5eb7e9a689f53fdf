// Reading receipts: GET /receipts/<id>[?include=events,corrections] (200 | 404) and
// GET /receipts?status=&limit=&cursor=&organisation_id= (200 {data, next_cursor}, newest first).
import { BadRequest, json, NotFound } from '../../../http/errors.ts';
import { route } from '../../../http/router.ts';
import type { ReceiptsContext } from '../context.ts';
import { decodeCursor, encodeCursor } from '../cursor.ts';
import { present } from '../representation.ts';
import { listReceiptsQuery } from '../contract.ts';
import { uuid, zodMessage } from '../request.ts';

const listQuery = listReceiptsQuery;
const INCLUDES = new Set(['events', 'corrections']);

export function readRoutes(ctx: ReceiptsContext) {
  return [
    route('GET', '', async (req, _params, url) => {
      const claims = await ctx.authenticate(req);
      const parsed = listQuery.safeParse(Object.fromEntries(url.searchParams));
      if (!parsed.success) throw new BadRequest(zodMessage(parsed.error), 'invalid_query');
      const { status, limit, cursor, organisation_id } = parsed.data;
      const after = cursor ? decodeCursor(cursor) : null;
      const rows = await ctx.repository.asCaller(
        claims,
        (q) => q.list({ status, organisationId: organisation_id, after, limit: limit + 1 }),
      );
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return json({
        data: page.map(present),
        next_cursor: rows.length > limit && last
          ? encodeCursor({ createdAt: last.cursor_ts, id: last.id })
          : null,
      }, 200);
    }),

    route('GET', '/:id', async (req, { id }, url) => {
      const claims = await ctx.authenticate(req);
      if (!uuid.safeParse(id).success) {
        throw new BadRequest('Receipt id must be a UUID', 'invalid_id');
      }
      const include = new Set((url.searchParams.get('include') ?? '').split(',').filter(Boolean));
      for (const name of include) {
        if (!INCLUDES.has(name)) {
          throw new BadRequest(
            `Unknown include: ${name} (events, corrections)`,
            'invalid_query',
          );
        }
      }
      return await ctx.repository.asCaller(claims, async (q) => {
        const row = await q.byId(id);
        if (!row) throw new NotFound('Receipt not found', 'receipt_not_found');
        const body: Record<string, unknown> = present(row);
        if (include.has('events')) body.events = await q.events(id);
        if (include.has('corrections')) body.corrections = await q.corrections(id);
        return json(body, 200);
      });
    }),
  ];
}
