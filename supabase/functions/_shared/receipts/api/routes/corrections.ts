// POST /receipts/<id>/corrections {fields, confirm?}: a person corrects what OCR read and
// (by default) confirms the receipt. 200 the updated receipt | 404 | 409 receipt_not_reviewable |
// 400 invalid_body | 422 invalid_field. Runs as the caller: public.correct_receipt re-checks access.
import { Conflict, json, NotFound } from '../../../http/errors.ts';
import { route } from '../../../http/router.ts';
import type { ReceiptsContext } from '../context.ts';
import { invalidField, parseCorrection, REVIEWABLE_STATUSES } from '../correction.ts';
import { correctionValues } from '../correction.ts';
import { CorrectionConflict, InvalidCorrection, ReceiptNotReviewable } from '../repository.ts';
import { present } from '../representation.ts';
import { readJson, uuid } from '../request.ts';
import { z } from 'npm:zod@^3.24.4';

const notFound = () => new NotFound('Receipt not found', 'receipt_not_found');
const notReviewable = (status: string) =>
  new Conflict(
    status === 'failed'
      ? 'This receipt could not be read, so there is nothing to correct yet; an organisation admin can retry it'
      : 'This receipt is still being read; correct it once it is done',
    'receipt_not_reviewable',
  );

export function correctionRoutes(ctx: ReceiptsContext) {
  return [
    route('POST', '/:id/corrections', async (req, { id }) => {
      const claims = await ctx.authenticate(req);
      if (!uuid.safeParse(id).success) throw notFound();
      const body = parseCorrection(await readJson(req, z.unknown(), false));
      return await ctx.repository.asCaller(claims, async (q) => {
        const receipt = await q.byId(id);
        if (!receipt) throw notFound();
        if (!REVIEWABLE_STATUSES.includes(receipt.status)) throw notReviewable(receipt.status);
        try {
          const updated = await q.correct(id, {
            values: correctionValues(body.fields, receipt.currency),
            confirm: body.confirm,
            moneyCurrency: receipt.currency,
          });
          if (!updated) throw notFound();
          return json(present(updated), 200);
        } catch (err) {
          if (err instanceof ReceiptNotReviewable) throw notReviewable(receipt.status);
          if (err instanceof InvalidCorrection) throw invalidField(err.field, err.message);
          if (err instanceof CorrectionConflict) {
            throw new Conflict(
              'The receipt changed while you were correcting it; reload it and try again',
              'receipt_changed',
            );
          }
          throw err;
        }
      });
    }),
  ];
}
