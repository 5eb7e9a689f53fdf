// How a receipt leaves the API: one JSON shape for every route that returns receipts; money as
// integer minor units (money.ts).
import { json } from '../../http/errors.ts';
import { presentMoney } from './money.ts';
import type { ReceiptRow } from './repository.ts';

export function present(row: ReceiptRow) {
  return {
    id: row.id,
    organisation_id: row.organisation_id,
    owner_id: row.owner_id,
    status: row.status,
    sha256: row.sha256,
    content_type: row.content_type,
    size_bytes: Number(row.size_bytes),
    original_filename: row.original_filename,
    storage_path: row.storage_path,
    fields: {
      vendor: row.vendor,
      vendor_address: row.vendor_address,
      vendor_tax_id: row.vendor_tax_id,
      receipt_date: row.receipt_date,
      receipt_time: row.receipt_time,
      ...presentMoney(row), // currency, currency_minor_unit, subtotal, tax, total, line_items
      payment_method: row.payment_method,
    },
    field_confidence: row.field_confidence,
    ocr_confidence: row.ocr_confidence === null ? null : Number(row.ocr_confidence),
    processor_version: row.processor_version,
    attempts: row.attempts,
    last_error: row.last_error,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
    processed_at: row.processed_at?.toISOString() ?? null,
  };
}

/** 201 for a new receipt, 200 for the one a repeated upload names; Location either way. */
export function receiptResponse(
  baseUrl: string,
  result: { created: boolean; row: ReceiptRow },
  headers: Record<string, string>,
): Response {
  return json(present(result.row), result.created ? 201 : 200, {
    Location: `${baseUrl}/${result.row.id}`,
    ...headers,
  });
}
