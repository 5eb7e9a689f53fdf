// Test doubles for the receipts routes' unit tests: a verifier that knows fixed bearer tokens, a
// blob store in memory and a repository over arrays that models what RLS lets the caller see
// (members see their organisations' receipts). The real repository is covered end to end
// (tests/e2e/receipts-api.test.ts) against Postgres.
import type { UserClaims } from '../../auth/jwt.ts';
import { Unauthorized } from '../../http/errors.ts';
import { BlobNotFound, type BlobStore } from '../../storage/blob-store.ts';
import {
  type Correction,
  type NewReceiptRow,
  NotAMember,
  type ReceiptCorrectionRow,
  type ReceiptEventRow,
  type ReceiptQueries,
  type ReceiptRepository,
  type ReceiptRow,
} from './repository.ts';

export function fakeVerifier(tokens: Record<string, UserClaims>) {
  return {
    verifyUser(req: Request): Promise<UserClaims> {
      const token = req.headers.get('authorization')?.replace(/^Bearer /, '') ?? '';
      const claims = tokens[token];
      return claims ? Promise.resolve(claims) : Promise.reject(new Unauthorized());
    },
  };
}

export function userClaims(sub: string, role = 'authenticated'): UserClaims {
  return { sub, role, aud: 'authenticated', exp: 4_000_000_000 };
}

export type MemoryBlobStore = BlobStore & {
  objects: Map<string, Uint8Array>;
  /** Paths read whole with get(), in order. */
  reads: string[];
};

export function memoryBlobStore(): MemoryBlobStore {
  const objects = new Map<string, Uint8Array>();
  const reads: string[] = [];
  return {
    objects,
    reads,
    put(path, bytes, _type, opts) {
      if (!(opts?.ifAbsent && objects.has(path))) objects.set(path, bytes);
      return Promise.resolve();
    },
    get(path) {
      reads.push(path);
      const bytes = objects.get(path);
      return bytes ? Promise.resolve(bytes) : Promise.reject(new BlobNotFound(path));
    },
    exists: (path) => Promise.resolve(objects.has(path)),
    size: (path) => Promise.resolve(objects.get(path)?.length ?? null),
    delete(paths) {
      for (const p of paths) objects.delete(p);
      return Promise.resolve();
    },
  };
}

export type FakeOrganisation = { id: string; personalOf?: string; members: string[] };

export type FakeRepository = ReceiptRepository & {
  receipts: ReceiptRow[];
  events: Map<string, ReceiptEventRow[]>;
  /** Every correct() call, in order. */
  corrections: { receiptId: string; correction: Correction }[];
  /** Set to make the next correct() throw it (the database's refusals, as typed errors). */
  correctionError?: Error;
};

/** As public.correct_receipt: applies the column values; confirm moves it to ocr_done. */
function applyCorrection(row: ReceiptRow, correction: Correction): ReceiptRow {
  Object.assign(row, correction.values);
  const confidence = row.field_confidence as Record<string, number>;
  for (const name of Object.keys(correction.values)) confidence[name] = 1;
  if (correction.confirm) row.status = 'ocr_done';
  return row;
}

/** One row per corrected field of a receipt, as public.receipt_corrections holds them. */
function correctionRows(
  corrections: { receiptId: string; correction: Correction }[],
  receiptId: string,
  by: string,
): ReceiptCorrectionRow[] {
  return corrections.filter((c) => c.receiptId === receiptId).flatMap((c, i) =>
    Object.entries(c.correction.values).map(([field, value]) => ({
      id: i + 1,
      field,
      old_value: null,
      new_value: value,
      corrected_by: by,
      corrected_at: '2026-01-01T00:00:00.000Z',
    }))
  );
}

export function fakeRepository(organisations: FakeOrganisation[]): FakeRepository {
  const receipts: ReceiptRow[] = [];
  const events = new Map<string, ReceiptEventRow[]>();
  const corrections: FakeRepository['corrections'] = [];
  const repo = { correctionError: undefined as Error | undefined };
  let clock = Date.parse('2026-01-01T00:00:00Z');
  const memberOf = (userId: string) =>
    new Set(organisations.filter((o) => o.members.includes(userId)).map((o) => o.id));

  function queries(claims: UserClaims): ReceiptQueries {
    const visible = () => receipts.filter((r) => memberOf(claims.sub).has(r.organisation_id));
    const first = (rows: ReceiptRow[]) => Promise.resolve(rows[0] ?? null);
    return {
      visibleOrganisation: (id) => Promise.resolve(memberOf(claims.sub).has(id) ? id : null),
      personalOrganisation: (userId) =>
        Promise.resolve(organisations.find((o) => o.personalOf === userId)?.id ?? null),
      byIdempotencyKey: (owner, key) =>
        first(visible().filter((r) => r.owner_id === owner && r.idempotency_key === key)),
      bySha256: (owner, sha) =>
        first(visible().filter((r) => r.owner_id === owner && r.sha256 === sha)),
      byId: (id) => first(visible().filter((r) => r.id === id)),
      events: (id) => Promise.resolve(events.get(id) ?? []),
      corrections: (id) => Promise.resolve(correctionRows(corrections, id, claims.sub)),
      list(f) {
        const rows = visible()
          .filter((r) => !f.status || r.status === f.status)
          .filter((r) => !f.organisationId || r.organisation_id === f.organisationId)
          .filter((r) =>
            !f.after || r.cursor_ts < f.after.createdAt ||
            (r.cursor_ts === f.after.createdAt && r.id < f.after.id)
          )
          .sort((a, b) => b.cursor_ts.localeCompare(a.cursor_ts) || b.id.localeCompare(a.id));
        return Promise.resolve(rows.slice(0, f.limit));
      },
      correct(receiptId, correction) {
        const row = visible().find((r) => r.id === receiptId);
        if (!row) return Promise.resolve(null);
        const error = repo.correctionError;
        repo.correctionError = undefined;
        if (error) return Promise.reject(error);
        corrections.push({ receiptId, correction });
        return Promise.resolve(applyCorrection(row, correction));
      },
    };
  }

  /** As private.create_receipt: members only; null on the owner's repeated file or key. */
  function create(n: NewReceiptRow): Promise<ReceiptRow | null> {
    if (!memberOf(n.ownerId).has(n.organisationId)) {
      return Promise.reject(new NotAMember('The owner is not a member of the organisation'));
    }
    const clash = receipts.some((r) =>
      r.owner_id === n.ownerId &&
      (r.sha256 === n.sha256 || (n.idempotencyKey && r.idempotency_key === n.idempotencyKey))
    );
    if (clash) return Promise.resolve(null);
    const at = new Date(clock += 1000);
    const row: ReceiptRow = {
      id: crypto.randomUUID(),
      organisation_id: n.organisationId,
      owner_id: n.ownerId,
      status: 'pending',
      storage_path: n.storagePath,
      sha256: n.sha256,
      content_type: n.contentType,
      size_bytes: String(n.sizeBytes),
      original_filename: n.filename,
      idempotency_key: n.idempotencyKey,
      vendor: null,
      vendor_address: null,
      vendor_tax_id: null,
      receipt_date: null,
      receipt_time: null,
      currency: null,
      subtotal: null,
      tax: null,
      total: null,
      payment_method: null,
      line_items: [],
      field_confidence: {},
      ocr_confidence: null,
      processor_version: null,
      attempts: 0,
      last_error: null,
      created_at: at,
      updated_at: at,
      processed_at: null,
      cursor_ts: at.toISOString(),
    };
    receipts.push(row);
    events.set(row.id, [{
      id: events.size + 1,
      event_type: 'uploaded',
      from_status: null,
      to_status: 'pending',
      attempt: null,
      processor_version: null,
      metadata: {},
      created_at: at,
    }]);
    return Promise.resolve(row);
  }

  return Object.assign(repo, {
    receipts,
    events,
    corrections,
    asCaller: <T>(claims: UserClaims, fn: (q: ReceiptQueries) => Promise<T>) => fn(queries(claims)),
    create,
  });
}
