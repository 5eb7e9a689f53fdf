// The receipts API's SQL, in one place. Reads run AS THE CALLER (asUser) inside the transaction
// `asCaller` opens, so RLS decides what they may see. A new receipt is the one write: clients
// cannot insert receipts, so `create` calls private.create_receipt as service_role, after the
// API's checks; its insert trigger enqueues the receipt for OCR in the same transaction.
import type { UserClaims } from '../../auth/jwt.ts';
import { asServiceRole, asUser, type Claims, type Sql, type TxSql } from '../../db/client.ts';
import type { Cursor } from './cursor.ts';

export type ReceiptRow = {
  id: string;
  organisation_id: string;
  /** null once the uploader's account is deleted (the receipt stays the organisation's) */
  owner_id: string | null;
  status: string;
  storage_path: string;
  sha256: string;
  content_type: string;
  size_bytes: string | number;
  original_filename: string | null;
  idempotency_key: string | null;
  vendor: string | null;
  vendor_address: string | null;
  vendor_tax_id: string | null;
  receipt_date: string | null;
  receipt_time: string | null;
  currency: string | null;
  subtotal: string | null;
  tax: string | null;
  total: string | null;
  payment_method: string | null;
  line_items: unknown;
  field_confidence: unknown;
  ocr_confidence: string | null;
  processor_version: string | null;
  attempts: number;
  last_error: string | null;
  created_at: Date;
  updated_at: Date;
  processed_at: Date | null;
  cursor_ts: string;
};

export type ReceiptEventRow = {
  id: number;
  event_type: string;
  from_status: string | null;
  to_status: string | null;
  attempt: number | null;
  processor_version: string | null;
  metadata: unknown;
  created_at: Date;
};

export type ReceiptCorrectionRow = {
  id: number;
  field: string;
  old_value: string | null;
  new_value: string | null;
  corrected_by: string | null;
  corrected_at: string;
};

export type NewReceiptRow = {
  organisationId: string;
  ownerId: string;
  storagePath: string;
  sha256: string;
  contentType: string;
  sizeBytes: number;
  filename: string | null;
  idempotencyKey: string | null;
};

export type ReceiptFilter = {
  status?: string;
  organisationId?: string;
  after: Cursor | null;
  /** Rows to return at most (the caller asks for one more than a page to see if more follow). */
  limit: number;
};

/** The statements, each bound to the caller's transaction. */
export interface ReceiptQueries {
  /** The organisation if the caller may see it (RLS: members only), else null. */
  visibleOrganisation(id: string): Promise<string | null>;
  personalOrganisation(userId: string): Promise<string | null>;
  byIdempotencyKey(ownerId: string, key: string): Promise<ReceiptRow | null>;
  bySha256(ownerId: string, sha256: string): Promise<ReceiptRow | null>;
  byId(id: string): Promise<ReceiptRow | null>;
  events(receiptId: string): Promise<ReceiptEventRow[]>;
  /** What people changed on the receipt, oldest first (RLS: members of its organisation). */
  corrections(receiptId: string): Promise<ReceiptCorrectionRow[]>;
  list(filter: ReceiptFilter): Promise<ReceiptRow[]>;
  /**
   * public.correct_receipt as the caller: null when the caller cannot see the receipt; throws
   * ReceiptNotReviewable, InvalidCorrection or CorrectionConflict.
   */
  correct(receiptId: string, correction: Correction): Promise<ReceiptRow | null>;
}

/** Column values in their text form (money as exact decimals); null clears a field. */
export type Correction = {
  values: Record<string, string | null>;
  confirm: boolean;
  /** The currency the amounts were converted with (the receipt's, as read). */
  moneyCurrency: string | null;
};

/** The receipt is not (yet) read: pending, processing or failed. */
export class ReceiptNotReviewable extends Error {
  override name = 'ReceiptNotReviewable';
}

/** The database refused a field's value; `field` names it. */
export class InvalidCorrection extends Error {
  override name = 'InvalidCorrection';
  constructor(readonly field: string | null, message: string) {
    super(message);
  }
}

/** The receipt changed under the correction (its currency): read it again. */
export class CorrectionConflict extends Error {
  override name = 'CorrectionConflict';
}

export interface ReceiptRepository {
  /** Runs `fn` in one transaction as the caller. */
  asCaller<T>(claims: UserClaims, fn: (q: ReceiptQueries) => Promise<T>): Promise<T>;
  /**
   * Adds a receipt as service_role (private.create_receipt re-checks that the owner belongs to the
   * organisation). Null when the owner already has this file or Idempotency-Key.
   */
  create(row: NewReceiptRow): Promise<ReceiptRow | null>;
}

/** The owner is not (or no longer) a member of the organisation: private.create_receipt refused. */
export class NotAMember extends Error {
  override name = 'NotAMember';
}

// Money and dates leave the database as text: exact decimals, no time-zone shifts.
const RECEIPT_COLUMNS = `
  r.id, r.organisation_id, r.owner_id, r.status::text as status, r.storage_path, r.sha256,
  r.content_type, r.size_bytes, r.original_filename, r.idempotency_key,
  r.vendor, r.vendor_address, r.vendor_tax_id, r.receipt_date::text as receipt_date,
  r.receipt_time::text as receipt_time, r.currency, r.subtotal::text as subtotal,
  r.tax::text as tax, r.total::text as total, r.payment_method, r.line_items, r.field_confidence,
  r.ocr_confidence::text as ocr_confidence, r.processor_version, r.attempts, r.last_error,
  r.created_at, r.updated_at, r.processed_at, r.created_at::text as cursor_ts`;

function queries(tx: TxSql): ReceiptQueries {
  const one = async (sql: string, params: (string | number | null)[]) =>
    (await tx.unsafe<ReceiptRow[]>(sql, params))[0] ?? null;
  return {
    async visibleOrganisation(id) {
      const [org] = await tx<{ id: string }[]>`
        select o.id from public.organisations as o where o.id = ${id}`;
      return org?.id ?? null;
    },
    async personalOrganisation(userId) {
      const [personal] = await tx<{ id: string }[]>`
        select o.id from public.organisations as o
        where o.personal and o.created_by = ${userId}`;
      return personal?.id ?? null;
    },
    byIdempotencyKey: (ownerId, key) =>
      one(
        `select ${RECEIPT_COLUMNS} from public.receipts as r
         where r.owner_id = $1 and r.idempotency_key = $2`,
        [ownerId, key],
      ),
    bySha256: (ownerId, sha256) =>
      one(
        `select ${RECEIPT_COLUMNS} from public.receipts as r where r.owner_id = $1 and r.sha256 = $2`,
        [ownerId, sha256],
      ),
    byId: (id) => one(`select ${RECEIPT_COLUMNS} from public.receipts as r where r.id = $1`, [id]),
    async events(receiptId) {
      const rows = await tx`
        select e.id, e.event_type, e.from_status::text as from_status,
               e.to_status::text as to_status, e.attempt, e.processor_version, e.metadata,
               e.created_at
        from public.receipt_events as e
        where e.receipt_id = ${receiptId}
        order by e.id`;
      return rows.map((e) => ({ ...e, id: Number(e.id) }) as ReceiptEventRow);
    },
    async corrections(receiptId) {
      const rows = await tx`
        select c.id, c.field, c.old_value, c.new_value, c.corrected_by, c.corrected_at
        from public.receipt_corrections as c
        where c.receipt_id = ${receiptId}
        order by c.id`;
      return rows.map((c) =>
        ({
          ...c,
          id: Number(c.id),
          corrected_at: (c.corrected_at as Date).toISOString(),
        }) as ReceiptCorrectionRow
      );
    },
    list: async (f) =>
      await tx.unsafe<ReceiptRow[]>(
        `select ${RECEIPT_COLUMNS} from public.receipts as r
         where ($1::public.receipt_status is null or r.status = $1::public.receipt_status)
           and ($2::uuid is null or r.organisation_id = $2::uuid)
           and ($3::timestamptz is null or (r.created_at, r.id) < ($3::timestamptz, $4::uuid))
         order by r.created_at desc, r.id desc
         limit $5`,
        [
          f.status ?? null,
          f.organisationId ?? null,
          f.after?.createdAt ?? null,
          f.after?.id ?? null,
          f.limit,
        ],
      ),
    correct: (receiptId, correction) => correct(tx, receiptId, correction),
  };
}

type PgError = { code?: string; message?: string; column_name?: string };

async function correct(tx: TxSql, receiptId: string, c: Correction): Promise<ReceiptRow | null> {
  try {
    const [row] = await tx<ReceiptRow[]>`
      select ${tx.unsafe(RECEIPT_COLUMNS)}
      from public.correct_receipt(${receiptId}, ${tx.json(c.values)}, ${c.confirm},
                                  ${c.moneyCurrency}) as r`;
    return row ?? null;
  } catch (err) {
    const e = err as PgError;
    if (e.code === 'P0002') return null;
    if (e.code === '55000') throw new ReceiptNotReviewable(String(e.message));
    if (e.code === '22023') throw new InvalidCorrection(e.column_name ?? null, String(e.message));
    if (e.code === '40001') throw new CorrectionConflict(String(e.message));
    throw err;
  }
}

export function postgresReceiptRepository(sql: Sql): ReceiptRepository {
  return {
    asCaller: (claims, fn) => {
      const dbClaims: Claims = { ...claims, sub: claims.sub, role: claims.role };
      return asUser(sql, dbClaims, (tx) => fn(queries(tx)));
    },
    async create(row) {
      try {
        const [created] = await asServiceRole(
          sql,
          (tx) =>
            tx.unsafe<ReceiptRow[]>(
              `select ${RECEIPT_COLUMNS}
               from private.create_receipt($1, $2, $3, $4, $5, $6, $7, $8) as r`,
              [
                row.ownerId,
                row.organisationId,
                row.storagePath,
                row.sha256,
                row.contentType,
                row.sizeBytes,
                row.filename,
                row.idempotencyKey,
              ],
            ),
        );
        return created ?? null;
      } catch (err) {
        if ((err as { code?: string }).code === '42501') throw new NotAMember(String(err));
        throw err;
      }
    },
  };
}
