// POST /receipts: a multipart upload (`file`, optional `organisation_id`).
// 201 new receipt | 200 the receipt this upload repeats.
import { BadRequest } from '../../../http/errors.ts';
import { route } from '../../../http/router.ts';
import type { ReceiptsContext } from '../context.ts';
import { createReceipt } from '../create-receipt.ts';
import { acceptReceiptFile } from '../accept-file.ts';
import { receiptResponse } from '../representation.ts';
import { parseIdempotencyKey, requestedOrganisation } from '../request.ts';
import { readMultipartUpload, sanitizeFilename } from '../upload.ts';

export function uploadRoutes(ctx: ReceiptsContext) {
  return [
    route('POST', '', async (req) => {
      const claims = await ctx.authenticate(req);
      const limitHeaders = (await ctx.rateLimit?.(req, claims.sub)) ?? {};
      const idempotencyKey = parseIdempotencyKey(req.headers);
      requestedOrganisation(req.headers, undefined); // a malformed header fails before the body is read
      const { file, fields } = await readMultipartUpload(req, ctx.config.maxBytes);
      if (file.size === 0) throw new BadRequest('File is empty', 'empty_file');
      const bytes = new Uint8Array(await file.arrayBuffer());
      const type = acceptReceiptFile(bytes);
      const result = await createReceipt(ctx, claims, {
        bytes,
        type,
        filename: sanitizeFilename(file.name),
        organisationId: requestedOrganisation(req.headers, fields.get('organisation_id')),
        idempotencyKey,
      });
      return receiptResponse(ctx.baseUrl, result, limitHeaders);
    }),
  ];
}
