// GDPR erasure of one person (POST /functions/v1/ops/erasure). Blobs first, rows after: a failure
// before the database step leaves everything to retry; receipts uploaded while it ran are found
// again inside the erasing transaction and their blobs removed after it commits.
import { NotFound } from '../http/errors.ts';
import type { Sql, TxSql } from '../db/client.ts';
import type { BlobStore } from '../storage/blob-store.ts';

export type ErasureResult = { counts: Record<string, number>; blobs_deleted: number };

export async function eraseUser(
  deps: { sql: Sql; store: BlobStore },
  userId: string,
): Promise<ErasureResult> {
  const blobsOf = async (q: Sql | TxSql) =>
    (await q<{ storage_path: string }[]>`select storage_path from private.erasure_blobs(${userId})`)
      .map((r) => r.storage_path);

  const planned = await blobsOf(deps.sql);
  await deps.store.delete(planned);
  const { counts, late } = await deps.sql.begin(async (tx) => {
    const late = (await blobsOf(tx)).filter((p) => !planned.includes(p));
    const [row] = await tx`select private.erase_user(${userId}) as counts`;
    return { counts: row.counts as Record<string, number>, late };
  });
  if (counts.users === 0 && counts.receipts === 0) {
    throw new NotFound('User not found (or already erased)', 'user_not_found');
  }
  await deps.store.delete(late);
  return { counts, blobs_deleted: planned.length + late.length };
}
