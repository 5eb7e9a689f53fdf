// Creating a receipt, shared by the direct upload and the signed-upload registration: resolve the
// organisation, recognise a repeat (same Idempotency-Key, or the same file), store the blob at its
// content address, create it (as service_role, after these checks). A repeat answers the
// existing receipt.
import type { UserClaims } from '../../auth/jwt.ts';
import { sha256Hex } from '../../crypto/sha256.ts';
import { Conflict, Forbidden, NotFound, Unprocessable } from '../../http/errors.ts';
import type { ReceiptsContext } from './context.ts';
import type { ReceiptFileType } from './file-type.ts';
import { NotAMember, type ReceiptQueries, type ReceiptRow } from './repository.ts';

/** The caller's organisation for a new receipt: the one asked for (if a member), else personal. */
export async function resolveOrganisation(
  q: ReceiptQueries,
  claims: UserClaims,
  requested: string | null,
): Promise<string> {
  if (requested) {
    // RLS shows members their organisations only, so "not a member" and "does not exist" look
    // the same: 404, without revealing which.
    const org = await q.visibleOrganisation(requested);
    if (!org) throw new NotFound('Organisation not found', 'organisation_not_found');
    return org;
  }
  const personal = await q.personalOrganisation(claims.sub);
  if (!personal) {
    throw new Forbidden(
      'You have no personal organisation; pass organisation_id',
      'no_organisation',
    );
  }
  return personal;
}

/** An existing receipt this upload repeats (same key + same file, or same file), if any. */
async function findExisting(
  q: ReceiptQueries,
  ownerId: string,
  sha256: string,
  idempotencyKey: string | null,
): Promise<ReceiptRow | null> {
  if (idempotencyKey) {
    const byKey = await q.byIdempotencyKey(ownerId, idempotencyKey);
    if (byKey) {
      if (byKey.sha256 !== sha256) {
        throw new Unprocessable(
          'Idempotency-Key was already used for a different file',
          'idempotency_key_reused',
        );
      }
      return byKey;
    }
  }
  return await q.bySha256(ownerId, sha256);
}

export type NewReceipt = {
  bytes: Uint8Array;
  type: ReceiptFileType;
  filename: string | null;
  organisationId: string | null;
  idempotencyKey: string | null;
};

/** Stores the blob and creates the receipt; a repeat returns the existing one. */
export async function createReceipt(
  ctx: ReceiptsContext,
  claims: UserClaims,
  input: NewReceipt,
): Promise<{ created: boolean; row: ReceiptRow }> {
  const sha256 = sha256Hex(input.bytes);
  const { organisationId, existing } = await ctx.repository.asCaller(claims, async (q) => ({
    organisationId: await resolveOrganisation(q, claims, input.organisationId),
    existing: await findExisting(q, claims.sub, sha256, input.idempotencyKey),
  }));
  if (existing) return { created: false, row: existing };

  // Content-addressed: a concurrent upload of the same file writes the same object.
  const storagePath = `${organisationId}/${claims.sub}/${sha256}.${input.type.ext}`;
  await ctx.store.put(storagePath, input.bytes, input.type.mime, { ifAbsent: true });

  const row = await ctx.repository.create({
    organisationId,
    ownerId: claims.sub,
    storagePath,
    sha256,
    contentType: input.type.mime,
    sizeBytes: input.bytes.length,
    filename: input.filename,
    idempotencyKey: input.idempotencyKey,
  }).catch((err) => {
    // the caller left the organisation after it was resolved above
    if (err instanceof NotAMember) {
      throw new NotFound('Organisation not found', 'organisation_not_found');
    }
    throw err;
  });
  if (row) return { created: true, row };

  return await ctx.repository.asCaller(claims, async (q) => {
    // Lost a race with an identical upload (or key): answer like a repeat.
    const again = await findExisting(q, claims.sub, sha256, input.idempotencyKey);
    if (again) return { created: false, row: again };
    throw new Conflict(
      'This file was already uploaded to an organisation you no longer belong to',
      'duplicate_elsewhere',
    );
  });
}
