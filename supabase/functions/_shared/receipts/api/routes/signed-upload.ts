// The signed-upload flow for large files: POST /receipts/uploads issues a short-lived URL, the
// client PUTs the bytes there (PUT /receipts/uploads/<token> when this function serves it: the
// local storage driver), then POST /receipts/register turns the staged object into a receipt.
// The URL is the only credential of the PUT (no Authorization; verify_jwt = false) and works once:
// register replaces the staged bytes with an empty tombstone rather than deleting them, so Storage
// (x-upsert: false), S3 (the signed If-None-Match: *) and the local PUT all refuse a second write.
import { assertContentLength, readLimited } from '../../../http/body-limit.ts';
import { BadRequest, Conflict, json, NotFound } from '../../../http/errors.ts';
import { route } from '../../../http/router.ts';
import { BlobNotFound, type BlobStore } from '../../../storage/blob-store.ts';
import type { SignedUpload } from '../../../storage/signed-upload.ts';
import type { ReceiptsContext } from '../context.ts';
import { createReceipt, resolveOrganisation } from '../create-receipt.ts';
import { acceptReceiptFile, READABLE_TYPES } from '../accept-file.ts';
import type { ReceiptFileType } from '../file-type.ts';
import { receiptResponse } from '../representation.ts';
import { parseIdempotencyKey, readJson, requestedOrganisation } from '../request.ts';
import { signUploadToken, verifyUploadToken } from '../upload-token.ts';
import { createUploadBody, registerUploadBody } from '../contract.ts';
import { sanitizeFilename, tooLarge } from '../upload.ts';

const uploadsBody = createUploadBody;
const registerBody = registerUploadBody;

const uploadUsed = () =>
  new Conflict('This upload URL was already used: ask for a new one', 'upload_url_used');

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
/** `<organisation>/<user>/uploads/<uuid>`: where POST /uploads stages a file. */
const STAGING_PATH = new RegExp(`^(${UUID})/(${UUID})/uploads/${UUID}$`);

/**
 * A staged upload's bytes, its size checked first (HEAD / stat) so an oversized upload is refused
 * (and discarded) without reading a byte of it; a copy replaced after the check is held to the
 * same limit.
 */
async function readStaged(
  store: BlobStore,
  path: string,
  maxBytes: number,
  notFound: () => Error,
  discard: () => Promise<unknown>,
): Promise<Uint8Array> {
  const size = await store.size(path);
  if (size === null) throw notFound();
  let bytes: Uint8Array | null = null;
  if (size <= maxBytes) {
    try {
      bytes = await store.get(path);
    } catch (err) {
      if (err instanceof BlobNotFound) throw notFound();
      throw err;
    }
  }
  if (bytes === null || bytes.length > maxBytes) {
    await discard();
    throw tooLarge(maxBytes);
  }
  return bytes;
}

export function signedUploadRoutes(ctx: ReceiptsContext) {
  const { config, store } = ctx;

  async function issueUrl(path: string, sizeBytes: number | undefined): Promise<SignedUpload> {
    if (sizeBytes !== undefined && sizeBytes > config.maxBytes) throw tooLarge(config.maxBytes);
    if (ctx.signedUploads) {
      if (ctx.signedUploads.requiresSize && sizeBytes === undefined) {
        throw new BadRequest(
          'size_bytes is required: the upload URL is signed for the exact file size',
          'invalid_body',
        );
      }
      return await ctx.signedUploads.createSignedUpload(path, {
        expiresInSeconds: config.uploadUrlTtlSeconds,
        sizeBytes,
      });
    }
    const expiresAt = Math.floor(ctx.now() / 1000) + config.uploadUrlTtlSeconds;
    const token = signUploadToken(
      { path, maxBytes: sizeBytes ?? config.maxBytes, expiresAt },
      ctx.uploadSecret(),
    );
    return {
      url: `${ctx.baseUrl}/uploads/${token}`,
      token,
      expiresAt: new Date(expiresAt * 1000),
      headers: {},
    };
  }

  return [
    route('POST', '/uploads', async (req) => {
      const claims = await ctx.authenticate(req);
      const limitHeaders = (await ctx.rateLimit?.(req, claims.sub)) ?? {};
      const body = await readJson(req, uploadsBody, true);
      const requested = requestedOrganisation(req.headers, body.organisation_id);
      const organisationId = await ctx.repository.asCaller(
        claims,
        (q) => resolveOrganisation(q, claims, requested),
      );
      const path = `${organisationId}/${claims.sub}/uploads/${crypto.randomUUID()}`;
      const upload = await issueUrl(path, body.size_bytes);
      return json(
        {
          upload_url: upload.url,
          method: 'PUT',
          path,
          token: upload.token,
          expires_at: upload.expiresAt.toISOString(),
          max_bytes: body.size_bytes ?? config.maxBytes,
          // What the PUT must carry besides the bytes and no Authorization: these headers exactly
          // (a Content-Length here is the one the body gives anyway), and Content-Type set to the
          // file's own type, one of content_types (the bucket refuses others).
          headers: upload.headers ?? {},
          content_types: READABLE_TYPES,
        },
        201,
        limitHeaders,
      );
    }),

    route('PUT', '/uploads/:token', async (req, params) => {
      if (ctx.signedUploads) throw new NotFound('Not found');
      const grant = verifyUploadToken(params.token, ctx.uploadSecret(), ctx.now());
      assertContentLength(req.headers, grant.maxBytes, tooLarge(grant.maxBytes).message);
      if (await store.exists(grant.path)) throw uploadUsed(); // single-use
      const bytes = await readLimited(req.body, grant.maxBytes, () => tooLarge(grant.maxBytes));
      if (bytes.length === 0) throw new BadRequest('File is empty', 'empty_file');
      await store.put(grant.path, bytes, 'application/octet-stream', { ifAbsent: true });
      return json({ path: grant.path, size_bytes: bytes.length }, 200);
    }),

    route('POST', '/register', async (req) => {
      const claims = await ctx.authenticate(req);
      const idempotencyKey = parseIdempotencyKey(req.headers);
      const body = await readJson(req, registerBody, false);
      const uploadNotFound = () => new NotFound('Upload not found', 'upload_not_found');
      const match = STAGING_PATH.exec(body.path);
      if (!match || match[2] !== claims.sub) throw uploadNotFound();
      const organisationId = match[1];
      // Membership first, so nobody learns whether a path in someone else's organisation exists.
      const member = await ctx.repository.asCaller(
        claims,
        (q) => q.visibleOrganisation(organisationId),
      );
      if (!member) throw uploadNotFound();
      // Register replaces the staged bytes with an empty tombstone (single use, see above).
      const discard = () =>
        store.put(body.path, new Uint8Array(0), 'application/octet-stream').catch(() => {});
      const bytes = await readStaged(store, body.path, config.maxBytes, uploadNotFound, discard);
      if (bytes.length === 0) throw uploadUsed(); // the tombstone of an earlier register
      let type: ReceiptFileType;
      try {
        type = acceptReceiptFile(bytes);
      } catch (err) {
        await discard();
        throw err;
      }
      const result = await createReceipt(ctx, claims, {
        bytes,
        type,
        filename: sanitizeFilename(body.original_filename),
        organisationId,
        idempotencyKey,
      });
      await discard();
      return receiptResponse(ctx.baseUrl, result, {});
    }),
  ];
}
