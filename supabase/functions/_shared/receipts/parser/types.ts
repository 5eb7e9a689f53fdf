// The parser's public result types: a parsed receipt, its fields and the parse options.

export interface ParsedLineItem {
  description: string | null;
  quantity: string | null;
  unit_price: string | null;
  amount: string | null;
}

export type ReceiptField =
  | 'vendor'
  | 'address'
  | 'date'
  | 'time'
  | 'total'
  | 'subtotal'
  | 'tax'
  | 'currency'
  | 'payment_method'
  | 'tax_id'
  | 'locale'
  | 'line_items';

export const RECEIPT_FIELDS: readonly ReceiptField[] = [
  'vendor',
  'address',
  'date',
  'time',
  'total',
  'subtotal',
  'tax',
  'currency',
  'payment_method',
  'tax_id',
  'locale',
  'line_items',
];

export interface ParsedReceipt {
  vendor: string | null;
  address: string | null;
  /** ISO yyyy-mm-dd */
  date: string | null;
  /** HH:MM or HH:MM:SS, 24-hour */
  time: string | null;
  /** Decimal strings like "12.30" */
  total: string | null;
  subtotal: string | null;
  tax: string | null;
  /** ISO 4217 */
  currency: string | null;
  /** cash | card | visa | mastercard | amex | debit | ewallet | cheque | voucher | … */
  payment_method: string | null;
  /** The seller's tax/registration number, normalised ("GST:000381399040"); see tax-id.ts. */
  tax_id: string | null;
  /**
   * Where the receipt was issued, guessed from its own text (currency, legal suffixes, address and
   * phone shapes) as a BCP 47 locale ("en-US", "en-MY"); it decides ambiguous day/month order.
   * Its confidence is confidence.locale.
   */
  locale: string | null;
  line_items: ParsedLineItem[];
  /** 0..1 per field; 0 where the field is null. */
  confidence: Record<ReceiptField, number>;
  /** Indices into the input lines each field was read from (for geometry); informational. */
  sources?: Partial<Record<ReceiptField, number[]>>;
}

export interface ParseOptions {
  /** BCP 47 locale, e.g. "en-MY", "en-US", "de-DE": breaks day/month ties and `$` ambiguity. */
  locale?: string;
}
