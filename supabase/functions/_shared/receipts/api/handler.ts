// The receipts API (issue 4): upload, signed upload + register, read one, list a page. Every
// database statement runs AS THE CALLER (asUser), so RLS decides what they may see and insert;
// the insert trigger enqueues the receipt for OCR in the same transaction.
//
//   POST /receipts                    multipart `file` (+ organisation_id)   201 new | 200 duplicate
//   POST /receipts/uploads            {organisation_id?}                     201 {upload_url, …}
//   PUT  /receipts/uploads/<token>    raw bytes (local storage driver only)  200
//   POST /receipts/register           {path, original_filename?}             201 new | 200 duplicate
//   GET  /receipts/<id>[?include=events]                                     200 | 404
//   GET  /receipts?status=&limit=&cursor=&organisation_id=                   200 {data, next_cursor}

import { createHash } from 'node:crypto';
import { z } from 'npm:zod@^3.24.4';
import type { UserClaims } from '../../auth/jwt.ts';
import { asUser, type Claims, type Sql, type TxSql } from '../../db/client.ts';
import {
  BadRequest,
  Conflict,
  errorResponse,
  Forbidden,
  HttpError,
  json,
  MethodNotAllowed,
  NotFound,
  Unprocessable,
} from '../../http/errors.ts';
import { BlobNotFound, type BlobStore } from '../../storage/blob-store.ts';
import type { SignedUploadIssuer } from '../../storage/signed-upload.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { detectFileType, type ReceiptFileType, SNIFF_BYTES } from './file-type.ts';
import { signUploadToken, verifyUploadToken } from './upload-token.ts';
import {
  assertContentLength,
  readLimited,
  readMultipartUpload,
  sanitizeFilename,
  tooLarge,
} from './upload.ts';

// ---------------------------------------------------------------------------------------------
// Dependencies
// ---------------------------------------------------------------------------------------------

export type ReceiptsApiConfig = {
  /** Largest receipt file accepted (RECEIPT_MAX_BYTES). */
  maxBytes: number;
  /** This function's URL as clients reach it, e.g. https://<ref>.supabase.co/functions/v1/receipts */
  publicUrl: string;
  /** HMAC key of the local upload URLs (required without a SignedUploadIssuer). */
  uploadSecret?: string;
  /** Lifetime of local upload URLs. */
  uploadUrlTtlSeconds: number;
};

export type ReceiptsApiDeps = {
  sql: Sql;
  store: BlobStore;
  /** Supabase Storage / S3 signed uploads; absent: this function serves PUT /receipts/uploads/… */
  signedUploads?: SignedUploadIssuer;
  verifier: { verifyUser(req: Request): Promise<UserClaims> };
  /** Upload rate limit per user: returns RateLimit-* headers or throws 429. */
  rateLimit?: (req: Request, userId: string) => Promise<Record<string, string>>;
  config: ReceiptsApiConfig;
  now?: () => number;
  log?: (message: string) => void;
};

// ---------------------------------------------------------------------------------------------
// Representation
// ---------------------------------------------------------------------------------------------

type ReceiptRow = {
  id: string;
  organisation_id: string;
  owner_id: string;
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

// Money and dates leave the database as text: exact decimals, no time-zone shifts.
const RECEIPT_COLUMNS = `
  r.id, r.organisation_id, r.owner_id, r.status::text as status, r.storage_path, r.sha256,
  r.content_type, r.size_bytes, r.original_filename, r.idempotency_key,
  r.vendor, r.vendor_address, r.vendor_tax_id, r.receipt_date::text as receipt_date,
  r.receipt_time::text as receipt_time, r.currency, r.subtotal::text as subtotal,
  r.tax::text as tax, r.total::text as total, r.payment_method, r.line_items, r.field_confidence,
  r.ocr_confidence::text as ocr_confidence, r.processor_version, r.attempts, r.last_error,
  r.created_at, r.updated_at, r.processed_at, r.created_at::text as cursor_ts`;

function present(row: ReceiptRow) {
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
      currency: row.currency,
      subtotal: row.subtotal,
      tax: row.tax,
      total: row.total,
      payment_method: row.payment_method,
      line_items: row.line_items,
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

// ---------------------------------------------------------------------------------------------
// Input validation
// ---------------------------------------------------------------------------------------------

const uuid = z.string().uuid();
const STATUSES = ['pending', 'processing', 'ocr_done', 'needs_review', 'failed'] as const;

const listQuery = z.object({
  status: z.enum(STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().min(1).optional(),
  organisation_id: uuid.optional(),
});

const uploadsBody = z.object({
  organisation_id: uuid.optional(),
}).strict();

const registerBody = z.object({
  path: z.string().min(1).max(512),
  original_filename: z.string().max(1024).optional(),
}).strict();

const STAGING_PATH =
  /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/uploads\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function zodMessage(error: z.ZodError): string {
  return error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ` : '') + i.message)
    .join('; ');
}

function parseIdempotencyKey(headers: Headers): string | null {
  const key = headers.get('idempotency-key');
  if (key === null) return null;
  if (!/^[\x21-\x7e]{1,255}$/.test(key)) {
    throw new BadRequest(
      'Idempotency-Key must be 1 to 255 visible ASCII characters',
      'invalid_idempotency_key',
    );
  }
  return key;
}

/** The organisation asked for (form field / JSON body or X-Organisation-Id), if any. */
function requestedOrganisation(headers: Headers, fromBody: string | undefined): string | null {
  const header = headers.get('x-organisation-id')?.trim() || undefined;
  const body = fromBody?.trim() || undefined;
  if (header && body && header !== body) {
    throw new BadRequest(
      'organisation_id and X-Organisation-Id name different organisations',
      'invalid_organisation_id',
    );
  }
  const id = header ?? body;
  if (id === undefined) return null;
  if (!uuid.safeParse(id).success) {
    throw new BadRequest('organisation_id must be a UUID', 'invalid_organisation_id');
  }
  return id.toLowerCase();
}

async function readJson<T>(req: Request, schema: z.ZodType<T>, allowEmpty: boolean): Promise<T> {
  const text = new TextDecoder().decode(await readLimited(req.body, 16 * 1024));
  if (!text.trim()) {
    if (allowEmpty) return schema.parse({});
    throw new BadRequest('Request body must be JSON', 'invalid_body');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new BadRequest('Request body is not valid JSON', 'invalid_body');
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new BadRequest(zodMessage(parsed.error), 'invalid_body');
  return parsed.data;
}

function unsupportedType(): HttpError {
  return new HttpError(
    415,
    'unsupported_file_type',
    'File type is not supported: send a JPEG, PNG, WebP, TIFF, HEIC/HEIF image or a PDF',
  );
}

function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

// ---------------------------------------------------------------------------------------------
// Handler
// ---------------------------------------------------------------------------------------------

const CORS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Headers':
    'authorization, x-client-info, apikey, content-type, idempotency-key, x-organisation-id',
  'Access-Control-Allow-Methods': 'GET, POST, PUT, OPTIONS',
  'Access-Control-Expose-Headers':
    'location, ratelimit-limit, ratelimit-remaining, ratelimit-reset',
};

export function createReceiptsHandler(deps: ReceiptsApiDeps): (req: Request) => Promise<Response> {
  const { sql, store, config } = deps;
  const now = deps.now ?? Date.now;
  const publicUrl = config.publicUrl.replace(/\/$/, '');
  const uploadSecret = (): string => {
    const secret = config.uploadSecret;
    if (!secret) throw new Error('Receipts API: uploadSecret is not configured');
    return secret;
  };

  async function authenticate(req: Request): Promise<UserClaims> {
    const claims = await deps.verifier.verifyUser(req);
    if (claims.role !== 'authenticated') {
      throw new Forbidden('Only signed-in users can use receipts', 'not_a_user');
    }
    return claims;
  }

  const dbClaims = (claims: UserClaims): Claims => ({
    ...claims,
    sub: claims.sub,
    role: claims.role,
  });

  /** The caller's organisation for a new receipt: the one asked for (if a member), else personal. */
  async function resolveOrganisation(
    tx: TxSql,
    claims: UserClaims,
    requested: string | null,
  ): Promise<string> {
    if (requested) {
      // RLS shows members their organisations only, so "not a member" and "does not exist" look
      // the same: 404, without revealing which.
      const [org] = await tx<{ id: string }[]>`
        select o.id from public.organisations as o where o.id = ${requested}`;
      if (!org) throw new NotFound('Organisation not found', 'organisation_not_found');
      return org.id;
    }
    const [personal] = await tx<{ id: string }[]>`
      select o.id from public.organisations as o
      where o.personal and o.created_by = ${claims.sub}`;
    if (!personal) {
      throw new Forbidden(
        'You have no personal organisation; pass organisation_id',
        'no_organisation',
      );
    }
    return personal.id;
  }

  /** An existing receipt this upload repeats (same key + same file, or same file), if any. */
  async function findExisting(
    tx: TxSql,
    ownerId: string,
    sha256: string,
    idempotencyKey: string | null,
  ): Promise<ReceiptRow | null> {
    if (idempotencyKey) {
      const [byKey] = await tx.unsafe<ReceiptRow[]>(
        `select ${RECEIPT_COLUMNS} from public.receipts as r
         where r.owner_id = $1 and r.idempotency_key = $2`,
        [ownerId, idempotencyKey],
      );
      if (byKey) {
        if (byKey.sha256 !== sha256) {
          throw new Unprocessable(
            'Idempotency-Key was already used for a different file',
            'idempotency_key_reused',
          );
        }
        return byKey;
      }
    }
    const [bySha] = await tx.unsafe<ReceiptRow[]>(
      `select ${RECEIPT_COLUMNS} from public.receipts as r where r.owner_id = $1 and r.sha256 = $2`,
      [ownerId, sha256],
    );
    return bySha ?? null;
  }

  type NewReceipt = {
    bytes: Uint8Array;
    type: ReceiptFileType;
    filename: string | null;
    organisationId: string | null;
    idempotencyKey: string | null;
  };

  /** Stores the blob and inserts the receipt as the caller; a repeat returns the existing one. */
  async function createReceipt(
    claims: UserClaims,
    input: NewReceipt,
  ): Promise<{ created: boolean; row: ReceiptRow }> {
    const sha256 = sha256Hex(input.bytes);
    const { organisationId, existing } = await asUser(sql, dbClaims(claims), async (tx) => ({
      organisationId: await resolveOrganisation(tx, claims, input.organisationId),
      existing: await findExisting(tx, claims.sub, sha256, input.idempotencyKey),
    }));
    if (existing) return { created: false, row: existing };

    // Content-addressed: a concurrent upload of the same file writes the same object.
    const storagePath = `${organisationId}/${claims.sub}/${sha256}.${input.type.ext}`;
    await store.put(storagePath, input.bytes, input.type.mime, { ifAbsent: true });

    return await asUser(sql, dbClaims(claims), async (tx) => {
      const [row] = await tx.unsafe<ReceiptRow[]>(
        `insert into public.receipts as r
           (organisation_id, owner_id, storage_path, sha256, content_type, size_bytes,
            original_filename, idempotency_key)
         values ($1, $2, $3, $4, $5, $6, $7, $8)
         on conflict do nothing
         returning ${RECEIPT_COLUMNS}`,
        [
          organisationId,
          claims.sub,
          storagePath,
          sha256,
          input.type.mime,
          input.bytes.length,
          input.filename,
          input.idempotencyKey,
        ],
      );
      if (row) return { created: true, row };
      // Lost a race with an identical upload (or key): answer like a repeat.
      const again = await findExisting(tx, claims.sub, sha256, input.idempotencyKey);
      if (again) return { created: false, row: again };
      throw new Conflict(
        'This file was already uploaded to an organisation you no longer belong to',
        'duplicate_elsewhere',
      );
    });
  }

  function receiptResponse(
    result: { created: boolean; row: ReceiptRow },
    extra: Record<string, string>,
  ): Response {
    return json(present(result.row), result.created ? 201 : 200, {
      Location: `${publicUrl}/${result.row.id}`,
      ...CORS,
      ...extra,
    });
  }

  function detect(bytes: Uint8Array): ReceiptFileType {
    const type = detectFileType(bytes.subarray(0, SNIFF_BYTES));
    if (!type) throw unsupportedType();
    return type;
  }

  // ---- routes ---------------------------------------------------------------------------------

  async function upload(req: Request): Promise<Response> {
    const claims = await authenticate(req);
    const limitHeaders = (await deps.rateLimit?.(req, claims.sub)) ?? {};
    const idempotencyKey = parseIdempotencyKey(req.headers);
    requestedOrganisation(req.headers, undefined); // a malformed header fails before the body is read
    const { file, fields } = await readMultipartUpload(req, config.maxBytes);
    if (file.size === 0) throw new BadRequest('File is empty', 'empty_file');
    const bytes = new Uint8Array(await file.arrayBuffer());
    const type = detect(bytes);
    const result = await createReceipt(claims, {
      bytes,
      type,
      filename: sanitizeFilename(file.name),
      organisationId: requestedOrganisation(req.headers, fields.get('organisation_id')),
      idempotencyKey,
    });
    return receiptResponse(result, limitHeaders);
  }

  async function createUpload(req: Request): Promise<Response> {
    const claims = await authenticate(req);
    const limitHeaders = (await deps.rateLimit?.(req, claims.sub)) ?? {};
    const body = await readJson(req, uploadsBody, true);
    const requested = requestedOrganisation(req.headers, body.organisation_id);
    const organisationId = await asUser(
      sql,
      dbClaims(claims),
      (tx) => resolveOrganisation(tx, claims, requested),
    );
    const path = `${organisationId}/${claims.sub}/uploads/${crypto.randomUUID()}`;
    let upload: { url: string; token: string; expiresAt: Date; headers?: Record<string, string> };
    if (deps.signedUploads) {
      upload = await deps.signedUploads.createSignedUpload(path, {
        expiresInSeconds: config.uploadUrlTtlSeconds,
      });
    } else {
      const expiresAt = Math.floor(now() / 1000) + config.uploadUrlTtlSeconds;
      const token = signUploadToken(
        { path, maxBytes: config.maxBytes, expiresAt },
        uploadSecret(),
      );
      upload = {
        url: `${publicUrl}/uploads/${token}`,
        token,
        expiresAt: new Date(expiresAt * 1000),
      };
    }
    return json(
      {
        upload_url: upload.url,
        method: 'PUT',
        path,
        token: upload.token,
        expires_at: upload.expiresAt.toISOString(),
        max_bytes: config.maxBytes,
        headers: upload.headers ?? {},
      },
      201,
      { ...CORS, ...limitHeaders },
    );
  }

  async function putUpload(req: Request, token: string): Promise<Response> {
    if (deps.signedUploads) throw new NotFound('Not found');
    const grant = verifyUploadToken(token, uploadSecret(), now());
    assertContentLength(req.headers, grant.maxBytes);
    const bytes = await readLimited(req.body, grant.maxBytes);
    if (bytes.length === 0) throw new BadRequest('File is empty', 'empty_file');
    await store.put(grant.path, bytes, 'application/octet-stream');
    return json({ path: grant.path, size_bytes: bytes.length }, 200, CORS);
  }

  async function register(req: Request): Promise<Response> {
    const claims = await authenticate(req);
    const idempotencyKey = parseIdempotencyKey(req.headers);
    const body = await readJson(req, registerBody, false);
    const uploadNotFound = () => new NotFound('Upload not found', 'upload_not_found');
    const match = STAGING_PATH.exec(body.path);
    if (!match || match[2] !== claims.sub) throw uploadNotFound();
    const organisationId = match[1];
    // Membership first, so nobody learns whether a path in someone else's organisation exists.
    await asUser(sql, dbClaims(claims), async (tx) => {
      const [org] =
        await tx`select 1 from public.organisations as o where o.id = ${organisationId}`;
      if (!org) throw uploadNotFound();
    });
    let bytes: Uint8Array;
    try {
      bytes = await store.get(body.path);
    } catch (err) {
      if (err instanceof BlobNotFound) throw uploadNotFound();
      throw err;
    }
    const discard = () => store.delete([body.path]).catch(() => {});
    if (bytes.length > config.maxBytes) {
      await discard();
      throw tooLarge(config.maxBytes);
    }
    if (bytes.length === 0) {
      await discard();
      throw new BadRequest('File is empty', 'empty_file');
    }
    const type = detectFileType(bytes.subarray(0, SNIFF_BYTES));
    if (!type) {
      await discard();
      throw unsupportedType();
    }
    const result = await createReceipt(claims, {
      bytes,
      type,
      filename: sanitizeFilename(body.original_filename),
      organisationId,
      idempotencyKey,
    });
    await discard();
    return receiptResponse(result, {});
  }

  async function getOne(req: Request, id: string, url: URL): Promise<Response> {
    const claims = await authenticate(req);
    if (!uuid.safeParse(id).success) {
      throw new BadRequest('Receipt id must be a UUID', 'invalid_id');
    }
    const include = new Set((url.searchParams.get('include') ?? '').split(',').filter(Boolean));
    for (const name of include) {
      if (name !== 'events') throw new BadRequest(`Unknown include: ${name}`, 'invalid_query');
    }
    return await asUser(sql, dbClaims(claims), async (tx) => {
      const [row] = await tx.unsafe<ReceiptRow[]>(
        `select ${RECEIPT_COLUMNS} from public.receipts as r where r.id = $1`,
        [id],
      );
      if (!row) throw new NotFound('Receipt not found', 'receipt_not_found');
      const body: Record<string, unknown> = present(row);
      if (include.has('events')) {
        body.events = (await tx`
          select e.id, e.event_type, e.from_status::text as from_status,
                 e.to_status::text as to_status, e.attempt, e.processor_version, e.metadata,
                 e.created_at
          from public.receipt_events as e
          where e.receipt_id = ${id}
          order by e.id`).map((e) => ({ ...e, id: Number(e.id) }));
      }
      return json(body, 200, CORS);
    });
  }

  async function list(req: Request, url: URL): Promise<Response> {
    const claims = await authenticate(req);
    const parsed = listQuery.safeParse(Object.fromEntries(url.searchParams));
    if (!parsed.success) throw new BadRequest(zodMessage(parsed.error), 'invalid_query');
    const { status, limit, cursor, organisation_id } = parsed.data;
    const after = cursor ? decodeCursor(cursor) : null;
    const rows = await asUser(sql, dbClaims(claims), (tx) =>
      tx.unsafe<ReceiptRow[]>(
        `select ${RECEIPT_COLUMNS} from public.receipts as r
         where ($1::public.receipt_status is null or r.status = $1::public.receipt_status)
           and ($2::uuid is null or r.organisation_id = $2::uuid)
           and ($3::timestamptz is null or (r.created_at, r.id) < ($3::timestamptz, $4::uuid))
         order by r.created_at desc, r.id desc
         limit $5`,
        [
          status ?? null,
          organisation_id ?? null,
          after?.createdAt ?? null,
          after?.id ?? null,
          limit + 1,
        ],
      ));
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return json(
      {
        data: page.map(present),
        next_cursor: rows.length > limit && last
          ? encodeCursor({ createdAt: last.cursor_ts, id: last.id })
          : null,
      },
      200,
      CORS,
    );
  }

  // ---- routing --------------------------------------------------------------------------------

  async function route(req: Request): Promise<Response> {
    const url = new URL(req.url);
    const path = url.pathname.replace(/^\/functions\/v1/, '').replace(/\/+$/, '');
    const match = /^\/receipts(?:\/(.*))?$/.exec(path);
    if (!match) throw new NotFound('Not found');
    const segments = match[1] ? match[1].split('/') : [];
    const method = req.method.toUpperCase();
    if (method === 'OPTIONS') return new Response(null, { status: 204, headers: CORS });
    const only = (allowed: string[], run: () => Promise<Response>) => {
      if (!allowed.includes(method)) throw new MethodNotAllowed(allowed);
      return run();
    };
    if (segments.length === 0) {
      return await only(['GET', 'POST'], () => method === 'GET' ? list(req, url) : upload(req));
    }
    if (segments.length === 1 && segments[0] === 'uploads') {
      return await only(['POST'], () => createUpload(req));
    }
    if (segments.length === 2 && segments[0] === 'uploads') {
      return await only(['PUT'], () => putUpload(req, segments[1]));
    }
    if (segments.length === 1 && segments[0] === 'register') {
      return await only(['POST'], () => register(req));
    }
    if (segments.length === 1) return await only(['GET'], () => getOne(req, segments[0], url));
    throw new NotFound('Not found');
  }

  return async (req) => {
    try {
      return await route(req);
    } catch (err) {
      const res = errorResponse(err, deps.log);
      for (const [k, v] of Object.entries(CORS)) res.headers.set(k, v);
      return res;
    }
  };
}
