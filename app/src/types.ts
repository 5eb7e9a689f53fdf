// The shapes the app reads from the API (receipts: receipts/api/contract.ts; wallet:
// ledger/wallet-port.ts; operations: the ops overview contract).

export type ReceiptStatus =
  | 'pending'
  | 'processing'
  | 'ocr_done'
  | 'needs_review'
  | 'failed'
  | 'done';

export type ReceiptFields = {
  vendor: string | null;
  vendor_address: string | null;
  vendor_tax_id?: string | null;
  receipt_date: string | null;
  receipt_time: string | null;
  currency: string | null;
  currency_minor_unit: number;
  subtotal: number | null;
  tax: number | null;
  total: number | null;
  payment_method: string | null;
};

export type Receipt = {
  id: string;
  organisation_id: string;
  status: ReceiptStatus;
  original_filename: string | null;
  content_type: string;
  fields: ReceiptFields;
  field_confidence: Record<string, number>;
  last_error: string | null;
  created_at: string;
  updated_at: string;
};

export type Page<T> = { data: T[]; next_cursor: string | null };

export type Account = {
  id: string;
  kind: string;
  currency: string;
  posted_balance_minor: number;
  pending_debits_minor: number;
  pending_credits_minor: number;
  available_minor: number;
  closed_at: string | null;
};

export type Entry = {
  version: number;
  transaction_id: string;
  amount_minor: number;
  currency: string;
  balance_before_minor: number;
  balance_after_minor: number;
  created_at: string;
  description?: string | null;
  kind?: string;
};

export type OpsOverview = {
  queue: { depth: number; in_flight: number; oldest_age_seconds: number | null };
  /** All of them; dead_letters lists the newest (up to 100). */
  dead_letters_total?: number;
  dead_letters: {
    receipt_id: string;
    original_filename: string | null;
    reason: string | null;
    attempts: number;
    failed_at: string;
  }[];
  alerts: {
    rule: string;
    severity: string;
    status: string;
    message: string;
    fired_at: string;
    resolved_at: string | null;
  }[];
  health: { status: string };
};

export type Organisation = {
  id: string;
  name: string;
  personal: boolean;
  role: string;
  can_operate: boolean;
};
