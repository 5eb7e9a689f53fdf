// The receipts API's contract as zod schemas: the routes validate requests with them, the
// representation is typed by them, and the OpenAPI document is generated from them.
import { z } from 'npm:zod@^3.24.4';
import { uuid } from './request.ts';

export const RECEIPT_STATUSES = [
  'pending',
  'processing',
  'ocr_done',
  'needs_review',
  'failed',
] as const;
export const receiptStatus = z.enum(RECEIPT_STATUSES);

// ---- requests ---------------------------------------------------------------------------
export const listReceiptsQuery = z.object({
  status: receiptStatus.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().min(1).optional().describe('next_cursor of the previous page'),
  organisation_id: uuid.optional(),
});

export const createUploadBody = z.object({
  organisation_id: uuid.optional(),
  /** The file's exact size: S3 signed URLs need it, and it bounds every upload URL. */
  size_bytes: z.number().int().min(1).optional(),
}).strict();

export const registerUploadBody = z.object({
  path: z.string().min(1).max(512),
  original_filename: z.string().max(1024).optional(),
}).strict();

/** Fields a person may correct; money in minor units of the receipt's (or the new) currency. */
const amountMinor = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER)
  .describe("Integer amount in the currency's minor units, as the receipt body gives it");
const text = (max: number) => z.string().trim().max(max, `must be at most ${max} characters`);
export const correctionFields = z.object({
  vendor: text(200).nullable(),
  vendor_address: text(500).nullable(),
  vendor_tax_id: z.string().trim().transform((v) => v.replace(/[\s.-]/g, '').toUpperCase())
    .pipe(z.string().regex(/^[0-9A-Z]{6,24}$/, 'must be 6 to 24 letters and digits')).nullable()
    .describe("The shop's tax or registration number (keys the vendor directory)"),
  receipt_date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date as YYYY-MM-DD')
    .refine((v) =>
      !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) &&
      new Date(`${v}T00:00:00Z`).toISOString().startsWith(v), 'is not a calendar date')
    .nullable(),
  receipt_time: z.string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/, 'must be a time as HH:MM or HH:MM:SS')
    .nullable(),
  currency: z.string().trim().toUpperCase().pipe(
    z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR'),
  ).nullable(),
  subtotal: amountMinor.nullable(),
  tax: amountMinor.nullable(),
  total: amountMinor.nullable(),
  payment_method: text(100).nullable(),
}).partial().strict();
export type CorrectionFields = z.infer<typeof correctionFields>;
export const CORRECTABLE_FIELDS = Object.keys(correctionFields.shape) as (keyof CorrectionFields)[];

export const correctionRequest = z.object({
  fields: correctionFields.default({}).describe('Only the fields to change; null clears one'),
  confirm: z.boolean().default(true).describe(
    'Mark the receipt reviewed (needs_review -> ocr_done); false saves without confirming',
  ),
}).strict();

// ---- responses --------------------------------------------------------------------------
// Money (money.ts): an integer in the currency's minor units; `currency_minor_unit` says how many
// decimal digits that is (12.30 USD is 1230 with currency_minor_unit 2; JPY 0, BHD 3).
const minorUnits = z.number().int().describe(
  "Integer amount in the currency's minor units (divide by 10 ** currency_minor_unit)",
);
const money = minorUnits.nullable();
const lineItem = z.object({
  unit_price: money,
  amount: money,
}).passthrough().describe('A line item as read; unit_price and amount in minor units');
const timestamp = z.string().datetime({ offset: true });

export const receiptBody = z.object({
  id: z.string().uuid(),
  organisation_id: z.string().uuid(),
  owner_id: z.string().uuid().nullable().describe('null once the uploader was deleted'),
  status: receiptStatus,
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  content_type: z.string(),
  size_bytes: z.number().int().positive(),
  original_filename: z.string().nullable(),
  storage_path: z.string(),
  fields: z.object({
    vendor: z.string().nullable(),
    vendor_address: z.string().nullable(),
    vendor_tax_id: z.string().nullable(),
    receipt_date: z.string().nullable(),
    receipt_time: z.string().nullable(),
    currency: z.string().nullable(),
    currency_minor_unit: z.number().int().min(0).max(4).describe(
      'Decimal digits of the currency (ISO 4217; 2 when the currency is unknown)',
    ),
    subtotal: money,
    tax: money,
    total: money,
    payment_method: z.string().nullable(),
    line_items: z.array(lineItem),
  }),
  field_confidence: z.record(z.number()),
  ocr_confidence: z.number().min(0).max(1).nullable(),
  processor_version: z.string().nullable(),
  attempts: z.number().int().nonnegative(),
  last_error: z.string().nullable(),
  created_at: timestamp,
  updated_at: timestamp,
  processed_at: timestamp.nullable(),
});
export type ReceiptBody = z.infer<typeof receiptBody>;

export const receiptEventBody = z.object({
  id: z.number().int(),
  event_type: z.string(),
  from_status: receiptStatus.nullable(),
  to_status: receiptStatus.nullable(),
  attempt: z.number().int().nullable(),
  processor_version: z.string().nullable(),
  metadata: z.record(z.unknown()),
  created_at: z.union([timestamp, z.string()]),
});

export const receiptCorrectionBody = z.object({
  id: z.number().int(),
  field: z.enum(CORRECTABLE_FIELDS as [string, ...string[]]),
  old_value: z.string().nullable().describe('The column value as stored (decimal text for money)'),
  new_value: z.string().nullable(),
  corrected_by: z.string().uuid().nullable(),
  corrected_at: timestamp,
});

export const receiptWithEventsBody = receiptBody.extend({
  events: z.array(receiptEventBody).optional().describe('With ?include=events'),
  corrections: z.array(receiptCorrectionBody).optional().describe(
    'With ?include=corrections: what people changed, oldest first',
  ),
});

export const receiptPageBody = z.object({
  data: z.array(receiptBody),
  next_cursor: z.string().nullable(),
});
