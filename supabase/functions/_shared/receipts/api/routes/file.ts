// GET /receipts/<id>/file: the receipt's original bytes with their Content-Type, for whoever may
// read the receipt (RLS: members of its organisation); 404 for anyone else. The bytes are
// content-addressed (sha256), so the ETag is the hash and a repeated GET can be answered 304.
import { BlobNotFound } from '../../../storage/blob-store.ts';
import { NotFound } from '../../../http/errors.ts';
import { route } from '../../../http/router.ts';
import type { ReceiptsContext } from '../context.ts';
import { uuid } from '../request.ts';

const notFound = () => new NotFound('Receipt not found', 'receipt_not_found');

/** RFC 6266: an ASCII fallback and the UTF-8 name. */
export function contentDisposition(filename: string | null, id: string): string {
  const name = filename ?? id;
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `inline; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

export function fileRoutes(ctx: ReceiptsContext) {
  return [
    route('GET', '/:id/file', async (req, { id }) => {
      const claims = await ctx.authenticate(req);
      if (!uuid.safeParse(id).success) throw notFound();
      const receipt = await ctx.repository.asCaller(claims, (q) => q.byId(id));
      if (!receipt) throw notFound();
      const etag = `"${receipt.sha256}"`;
      const headers = {
        etag,
        'cache-control': 'private, max-age=3600',
        'x-content-type-options': 'nosniff',
      };
      const wanted = req.headers.get('if-none-match');
      if (wanted && wanted.split(',').some((t) => t.trim().replace(/^W\//, '') === etag)) {
        return new Response(null, { status: 304, headers });
      }
      let bytes: Uint8Array;
      try {
        bytes = await ctx.store.get(receipt.storage_path);
      } catch (err) {
        if (err instanceof BlobNotFound) {
          throw new NotFound(
            'The original file of this receipt is no longer stored; its fields are kept',
            'receipt_file_not_found',
          );
        }
        throw err;
      }
      return new Response(bytes as BodyInit, {
        status: 200,
        headers: {
          ...headers,
          'content-type': receipt.content_type,
          'content-length': String(bytes.byteLength),
          'content-disposition': contentDisposition(receipt.original_filename, receipt.id),
        },
      });
    }),
  ];
}
