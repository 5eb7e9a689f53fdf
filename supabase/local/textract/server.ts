// Local Textract-compatible endpoint (local only, never deployed). Speaks Textract's JSON 1.1
// protocol, verifies SigV4 against local credentials, and answers with real OCR (see ocr/engine.ts)
// turned into Textract Blocks and, for AnalyzeExpense, the project's receipt parser.
//
//   deno run -A supabase/local/textract/server.ts        (the local stack starts it)
//
// Operations: AnalyzeExpense, DetectDocumentText (sync: JPEG/PNG/TIFF or a one-page PDF, ≤ 10 MB),
// StartExpenseAnalysis / GetExpenseAnalysis (async: PDFs and multi-page documents, rasterised with
// pdftoppm; Get paginates with NextToken/MaxResults). `S3Object` is read as Textract reads it:
// a SigV4-signed HEAD (size check first) and GET to the S3 endpoint TEXTRACT_S3_ENDPOINT (the
// local stack's S3 server, supabase/local/s3/), with the local credentials. Unlike AWS,
// StartExpenseAnalysis here also accepts `DocumentLocation.Bytes` (base64), for the CLI.
//
// Env (all optional):
//   TEXTRACT_PORT (54380 dev / 55380 test; 0 = any free port), TEXTRACT_HOST (127.0.0.1)
//   LOCAL_AWS_ACCESS_KEY_ID / LOCAL_AWS_SECRET_ACCESS_KEY  credentials accepted (local defaults)
//   TEXTRACT_MODE ocr | record | replay  (replay answers from .tallyq/cache/textract recordings)
//   TEXTRACT_CACHE_DIR, TEXTRACT_OCR_CONCURRENCY (2), TALLYQ_OCR_ENGINE (see ocr/engine.ts)
//   TEXTRACT_FAULTS  JSON fault rules (see faults.ts) — never set by default
//   TEXTRACT_ADMIN_TOKEN  enables GET/POST/DELETE /__faults and GET/DELETE /__stats
//                         (Authorization: Bearer <token>); without it they answer 404
//   TEXTRACT_S3_ENDPOINT  S3 server that S3Object documents are read from (path-style);
//                         AWS_REGION (us-east-1) is the region requests are signed for
//   TEXTRACT_JOBS_DIR  where async jobs are kept across restarts (see jobs.ts)

import { Buffer } from 'node:buffer';
import { timingSafeEqual } from 'node:crypto';
import { z } from 'npm:zod@^3.24.4';
import type { OcrEngineName, OcrPage } from '../../functions/_shared/receipts/parser/ocr-types.ts';
import type {
  AnalyzeExpenseResponse,
  ExpenseDocument,
} from '../../functions/_shared/textract/types.ts';
import { toBlocks } from './blocks.ts';
import { detectFormat, DocumentError, pdfPageCount, rasterisePdf } from './documents.ts';
import { FaultInjector, faultsSchema } from './faults.ts';
import { decodeNextToken, encodeNextToken, type Job, JobStore } from './jobs.ts';
import { OcrCache, type TextractMode } from './ocr-cache.ts';
import { sha256Hex } from '../../functions/_shared/crypto/sha256.ts';
import { AwsClient } from 'npm:aws4fetch@^1.0.20';
import { verifySigV4 } from '../sigv4.ts';
import { closeEngines, recognize } from './ocr/engine.ts';
import {
  parseReceiptPage,
  toExpenseDocument,
} from '../../functions/_shared/receipts/parser/parse.ts';

/** Credentials the local stack uses when none are configured (never valid on AWS). */
export const LOCAL_DEFAULT_CREDENTIALS = {
  accessKeyId: 'AKIALOCALTALLYQ00000',
  secretAccessKey: 'local-tallyq-textract-secret-do-not-use-in-production',
};

export const MODEL_VERSION = '1.0';
const SYNC_MAX_BYTES = 10 * 1024 * 1024;
const ASYNC_MAX_BYTES = 100 * 1024 * 1024;

export type Recognize = (image: Uint8Array, opts: { engine: OcrEngineName }) => Promise<OcrPage>;
/** One page of OCR → one ExpenseDocument (SummaryFields, LineItemGroups) via the parser. */
export type AnalyzePage = (page: OcrPage) => ExpenseDocument | Promise<ExpenseDocument>;

export interface LocalTextractOptions {
  credentials: ReadonlyMap<string, string>;
  recognize: Recognize;
  analyzePage: AnalyzePage;
  engine: OcrEngineName;
  mode: TextractMode;
  cache: OcrCache;
  /** Recognitions running at once (each is its own OS process; 2 = both cores). */
  concurrency: number;
  faults: FaultInjector;
  adminToken?: string;
  /** Where S3Object documents are read from; without it they are InvalidS3ObjectException. */
  s3?: { endpoint: string; region: string; fetch?: typeof fetch };
  /** Where jobs are kept across restarts (TEXTRACT_JOBS_DIR); unset: in memory only. */
  jobsDir?: string;
  log: (line: string) => void;
}

/** AWS-shaped failure: `__type` + `message`, HTTP status. */
class AwsError extends Error {
  constructor(readonly status: number, readonly type: string, message: string) {
    super(message);
  }
}

class Semaphore {
  #free: number;
  #waiters: (() => void)[] = [];
  constructor(n: number) {
    this.#free = n;
  }
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#free > 0) this.#free--;
    else await new Promise<void>((r) => this.#waiters.push(r));
    try {
      return await fn();
    } finally {
      const next = this.#waiters.shift();
      if (next) next();
      else this.#free++;
    }
  }
}

const JSON_11 = 'application/x-amz-json-1.1';

function awsJson(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': JSON_11, 'x-amzn-RequestId': crypto.randomUUID(), ...headers },
  });
}

function awsErrorResponse(status: number, type: string, message: string): Response {
  return awsJson({ __type: type, message }, status, { 'x-amzn-ErrorType': type });
}

const documentSchema = z.object({
  Bytes: z.string().optional(),
  S3Object: z.object({
    Bucket: z.string().min(1),
    Name: z.string().min(1),
    Version: z.string().optional(),
  }).optional(),
});

const BASE64_RE = /^[A-Za-z0-9+/]*={0,2}$/;

export interface LocalTextract {
  handler(req: Request): Promise<Response>;
  jobs: JobStore;
  faults: FaultInjector;
  stats(): Record<string, number>;
}

export function createLocalTextract(opts: LocalTextractOptions): LocalTextract {
  const sem = new Semaphore(Math.max(1, opts.concurrency));
  const jobs = new JobStore(500, opts.jobsDir);
  const calls: Record<string, number> = {};

  // ------------------------------------------------------------------ documents and OCR

  async function loadDocument(doc: unknown, maxBytes: number): Promise<Uint8Array> {
    const d = documentSchema.safeParse(doc);
    if (!d.success || (d.data.Bytes === undefined) === (d.data.S3Object === undefined)) {
      throw new AwsError(400, 'InvalidParameterException', 'Request has invalid parameters');
    }
    if (d.data.Bytes !== undefined) {
      const b64 = d.data.Bytes.replace(/\s+/g, '');
      if (b64.length === 0 || !BASE64_RE.test(b64)) {
        throw new AwsError(400, 'InvalidParameterException', 'Request has invalid parameters');
      }
      if (Math.floor((b64.length * 3) / 4) > maxBytes + 2) {
        throw new AwsError(
          400,
          'DocumentTooLargeException',
          'S3 object size or request size exceeds the limit',
        );
      }
      return new Uint8Array(Buffer.from(b64, 'base64'));
    }
    return await readS3Object(d.data.S3Object as { Bucket: string; Name: string }, maxBytes);
  }

  const s3Client = opts.s3
    ? new AwsClient({
      accessKeyId: [...opts.credentials.keys()][0],
      secretAccessKey: [...opts.credentials.values()][0],
      region: opts.s3.region,
      service: 's3',
      retries: 0,
    })
    : null;

  /** As Textract does: the object's size first (HEAD), then its bytes, signed as the caller. */
  async function readS3Object(
    object: { Bucket: string; Name: string },
    maxBytes: number,
  ): Promise<Uint8Array> {
    const invalid = () =>
      new AwsError(
        400,
        'InvalidS3ObjectException',
        'Unable to get object metadata from S3. Check object key, region and/or access permissions.',
      );
    if (!opts.s3 || !s3Client) throw invalid();
    const key = object.Name.split('/').map(encodeURIComponent).join('/');
    const url = `${opts.s3.endpoint.replace(/\/$/, '')}/${
      encodeURIComponent(object.Bucket)
    }/${key}`;
    const doFetch = opts.s3.fetch ?? fetch;
    const head = await doFetch(await s3Client.sign(url, { method: 'HEAD' }));
    await head.body?.cancel();
    if (!head.ok) throw invalid();
    if (Number(head.headers.get('content-length') ?? 0) > maxBytes) {
      throw new AwsError(400, 'DocumentTooLargeException', 'S3 object size exceeds the limit');
    }
    const res = await doFetch(await s3Client.sign(url, { method: 'GET' }));
    if (!res.ok) {
      await res.body?.cancel();
      throw invalid();
    }
    calls['S3:GetObject'] = (calls['S3:GetObject'] ?? 0) + 1; // /__stats: tests see the S3 read
    return new Uint8Array(await res.arrayBuffer());
  }

  // Identical documents being read right now share one recognition (single flight): a client
  // that timed out and retried must not queue a second OCR of the same bytes behind the first.
  const inFlight = new Map<string, Promise<OcrPage>>();

  /** OCR of one image, through the record/replay cache; `source` says which. */
  async function readPage(image: Uint8Array): Promise<{ page: OcrPage; source: 'ocr' | 'replay' }> {
    const sha = sha256Hex(image);
    if (opts.mode === 'replay') {
      const hit = await opts.cache.get(sha, opts.engine);
      if (hit) return { page: hit.page, source: 'replay' };
    }
    let page: OcrPage;
    try {
      let pending = inFlight.get(sha);
      if (!pending) {
        pending = sem.run(() => opts.recognize(image, { engine: opts.engine }))
          .finally(() => inFlight.delete(sha));
        inFlight.set(sha, pending);
      }
      page = await pending;
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      // The engine's own breakdowns (binary missing, sidecar died) are ours, not the document's.
      if (/ENOENT|spawn|sidecar exited|not found/i.test(msg)) {
        throw new AwsError(500, 'InternalServerError', `OCR engine failed: ${msg.slice(0, 200)}`);
      }
      throw new DocumentError('BadDocumentException', 'Unable to read the document image');
    }
    if (opts.mode !== 'ocr') await opts.cache.put(sha, opts.engine, page);
    return { page, source: 'ocr' };
  }

  /** Images of a sync request: one image, or a one-page PDF rendered. */
  async function syncImage(bytes: Uint8Array): Promise<Uint8Array> {
    const format = detectFormat(bytes);
    if (format === null) {
      throw new DocumentError(
        'UnsupportedDocumentException',
        'Request has unsupported document format',
      );
    }
    if (format !== 'pdf') return bytes;
    const pages = await pdfPageCount(bytes);
    if (pages !== 1) {
      throw new DocumentError(
        'UnsupportedDocumentException',
        'Synchronous operations accept single-page documents only; use StartExpenseAnalysis',
      );
    }
    return (await rasterisePdf(bytes))[0];
  }

  async function expenseDocument(page: OcrPage, pageNo: number): Promise<ExpenseDocument> {
    const doc = await opts.analyzePage(page);
    const withPage = (fields: ExpenseDocument['SummaryFields']) =>
      fields?.map((f) => ({ ...f, PageNumber: pageNo }));
    return {
      ...doc,
      ExpenseIndex: pageNo,
      SummaryFields: withPage(doc.SummaryFields) ?? [],
      LineItemGroups: (doc.LineItemGroups ?? []).map((g) => ({
        ...g,
        LineItems: g.LineItems?.map((li) => ({
          LineItemExpenseFields: withPage(li.LineItemExpenseFields),
        })),
      })),
      Blocks: doc.Blocks ?? toBlocks([page], pageNo),
    };
  }

  // ------------------------------------------------------------------ operations

  type Out = { body: unknown; source?: 'ocr' | 'replay' };

  async function analyzeExpense(input: Record<string, unknown>): Promise<Out> {
    const image = await syncImage(await loadDocument(input.Document, SYNC_MAX_BYTES));
    const { page, source } = await readPage(image);
    const body: AnalyzeExpenseResponse & Record<string, unknown> = {
      DocumentMetadata: { Pages: 1 },
      ExpenseDocuments: [await expenseDocument(page, 1)],
      AnalyzeExpenseModelVersion: MODEL_VERSION,
      LocalEndpoint: { Source: source, Engine: page.engine ?? opts.engine, Mode: opts.mode },
    };
    return { body, source };
  }

  async function detectDocumentText(input: Record<string, unknown>): Promise<Out> {
    const image = await syncImage(await loadDocument(input.Document, SYNC_MAX_BYTES));
    const { page, source } = await readPage(image);
    return {
      body: {
        DocumentMetadata: { Pages: 1 },
        Blocks: toBlocks([page]),
        DetectDocumentTextModelVersion: MODEL_VERSION,
      },
      source,
    };
  }

  /** The work of one async job over its document (also what a restart resumes). */
  function runJob(bytes: Uint8Array): (job: Job) => Promise<void> {
    const format = detectFormat(bytes);
    return async (job) => {
      const images = format === 'pdf' ? await rasterisePdf(bytes) : [bytes];
      job.pages = images.length;
      const results = await Promise.allSettled(
        images.map(async (img, i) => expenseDocument((await readPage(img)).page, i + 1)),
      );
      const bad: number[] = [];
      results.forEach((r, i) => {
        if (r.status === 'fulfilled') job.documents.push(r.value);
        else bad.push(i + 1);
      });
      if (bad.length === images.length) {
        job.status = 'FAILED';
        job.statusMessage = 'Unable to read the document';
        return;
      }
      if (bad.length) job.warnings.push({ ErrorCode: 'TEXTRACT_BAD_PAGE', Pages: bad });
      job.status = bad.length ? 'PARTIAL_SUCCESS' : 'SUCCEEDED';
    };
  }

  async function startExpenseAnalysis(input: Record<string, unknown>): Promise<Out> {
    const token = typeof input.ClientRequestToken === 'string' ? input.ClientRequestToken : '';
    if (token) {
      const earlier = jobs.byToken(token);
      if (earlier) return { body: { JobId: earlier.id } };
    }
    const bytes = await loadDocument(input.DocumentLocation, ASYNC_MAX_BYTES);
    const format = detectFormat(bytes);
    if (format === null) {
      throw new DocumentError(
        'UnsupportedDocumentException',
        'Request has unsupported document format',
      );
    }
    const job = jobs.start(runJob(bytes), token || undefined, bytes);
    job.done.then(() => opts.log(`job ${job.id} ${job.status} pages=${job.pages}`));
    return { body: { JobId: job.id } };
  }

  function getExpenseAnalysis(input: Record<string, unknown>): Out {
    const jobId = input.JobId;
    if (typeof jobId !== 'string' || jobId === '') {
      throw new AwsError(400, 'InvalidParameterException', 'Request has invalid parameters');
    }
    const job = jobs.get(jobId);
    if (!job) {
      throw new AwsError(400, 'InvalidJobIdException', 'An invalid job identifier was passed.');
    }
    const max = input.MaxResults === undefined ? 1000 : input.MaxResults;
    if (typeof max !== 'number' || !Number.isInteger(max) || max < 1) {
      throw new AwsError(400, 'InvalidParameterException', 'Request has invalid parameters');
    }
    const base = { AnalyzeExpenseModelVersion: MODEL_VERSION };
    if (job.status === 'IN_PROGRESS') return { body: { ...base, JobStatus: 'IN_PROGRESS' } };
    if (job.status === 'FAILED') {
      return {
        body: {
          ...base,
          JobStatus: 'FAILED',
          StatusMessage: job.statusMessage,
          DocumentMetadata: { Pages: job.pages },
        },
      };
    }
    let offset = 0;
    if (typeof input.NextToken === 'string' && input.NextToken !== '') {
      const o = decodeNextToken(job.id, input.NextToken);
      if (o === null) {
        throw new AwsError(400, 'InvalidParameterException', 'Request has invalid parameters');
      }
      offset = o;
    }
    const docs = [...job.documents].sort((a, b) => (a.ExpenseIndex ?? 0) - (b.ExpenseIndex ?? 0));
    const slice = docs.slice(offset, offset + max);
    const next = offset + max < docs.length ? encodeNextToken(job.id, offset + max) : undefined;
    return {
      body: {
        ...base,
        JobStatus: job.status,
        DocumentMetadata: { Pages: job.pages },
        ExpenseDocuments: slice,
        ...(next ? { NextToken: next } : {}),
        ...(job.warnings.length ? { Warnings: job.warnings } : {}),
      },
    };
  }

  const operations: Record<string, (i: Record<string, unknown>) => Promise<Out> | Out> = {
    AnalyzeExpense: analyzeExpense,
    DetectDocumentText: detectDocumentText,
    StartExpenseAnalysis: startExpenseAnalysis,
    GetExpenseAnalysis: getExpenseAnalysis,
  };

  // ------------------------------------------------------------------ admin (local only)

  function adminAllowed(req: Request): boolean {
    if (!opts.adminToken) return false;
    const given = (req.headers.get('authorization') ?? '').replace(/^Bearer\s+/i, '');
    const a = Buffer.from(given);
    const b = Buffer.from(opts.adminToken);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  async function admin(req: Request, path: string): Promise<Response> {
    if (!adminAllowed(req)) {
      return new Response(JSON.stringify({ error: 'not_found', message: 'Not found' }), {
        status: 404,
        headers: { 'content-type': 'application/json' },
      });
    }
    const ok = (body: unknown) =>
      new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } });
    if (path === '/__stats') {
      if (req.method === 'DELETE') { for (const k of Object.keys(calls)) delete calls[k]; }
      return ok({ calls: { ...calls } });
    }
    if (req.method === 'DELETE') opts.faults.set([]);
    if (req.method === 'POST') {
      let body: unknown;
      try {
        body = await req.json();
      } catch {
        body = null;
      }
      const r = faultsSchema.safeParse(body);
      if (!r.success) {
        return new Response(
          JSON.stringify({ error: 'bad_request', message: 'Body must be a list of fault rules' }),
          { status: 400, headers: { 'content-type': 'application/json' } },
        );
      }
      opts.faults.add(r.data);
    }
    return ok({ rules: opts.faults.list() });
  }

  // ------------------------------------------------------------------ HTTP

  async function handler(req: Request): Promise<Response> {
    const url = new URL(req.url);
    if (url.pathname === '/__health') {
      return new Response(
        JSON.stringify({ service: 'tallyq-local-textract', mode: opts.mode, engine: opts.engine }),
        { headers: { 'content-type': 'application/json' } },
      );
    }
    if (url.pathname === '/__faults' || url.pathname === '/__stats') {
      return admin(req, url.pathname);
    }
    const started = performance.now();
    const target = req.headers.get('x-amz-target') ?? '';
    const op = target.startsWith('Textract.') ? target.slice('Textract.'.length) : '';
    let status = 200;
    let source = '';
    try {
      if (req.method !== 'POST') {
        throw new AwsError(404, 'UnknownOperationException', 'Only POST is supported');
      }
      const body = new Uint8Array(await req.arrayBuffer());
      const sig = verifySigV4(
        { method: req.method, url: req.url, headers: req.headers, body },
        { credentials: opts.credentials, service: 'textract' },
      );
      if (!sig.ok) throw new AwsError(sig.status, sig.code, sig.message);
      const operation = operations[op];
      if (!operation) {
        throw new AwsError(400, 'UnknownOperationException', `Unknown operation ${target}`);
      }
      calls[op] = (calls[op] ?? 0) + 1;
      const fault = opts.faults.next(op);
      if (fault?.kind === 'respond') throw new AwsError(fault.status, fault.type, fault.message);
      if (fault?.kind === 'malformed') {
        status = 200;
        source = 'fault:malformed';
        return new Response('{"ExpenseDocuments": [{"SummaryFields": [', {
          headers: { 'content-type': JSON_11 },
        });
      }
      if (fault?.kind === 'delay') await new Promise((r) => setTimeout(r, fault.ms));
      let input: unknown;
      try {
        input = JSON.parse(new TextDecoder().decode(body));
      } catch {
        throw new AwsError(400, 'SerializationException', 'Could not parse the request body');
      }
      if (typeof input !== 'object' || input === null || Array.isArray(input)) {
        throw new AwsError(400, 'SerializationException', 'Request body must be a JSON object');
      }
      const out = await operation(input as Record<string, unknown>);
      source = out.source ?? '';
      return awsJson(out.body, 200, source ? { 'x-tallyq-source': source } : {});
    } catch (err) {
      if (err instanceof AwsError) {
        status = err.status;
        return awsErrorResponse(err.status, err.type, err.message);
      }
      if (err instanceof DocumentError) {
        status = 400;
        return awsErrorResponse(400, err.code, err.message);
      }
      status = 500;
      opts.log(`error ${op}: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
      return awsErrorResponse(
        500,
        'InternalServerError',
        'Amazon Textract experienced a service issue. Try your call again.',
      );
    } finally {
      opts.log(
        `${op || req.method + ' ' + url.pathname} ${status} ${
          Math.round(performance.now() - started)
        }ms` +
          (source ? ` source=${source}` : ''),
      );
    }
  }

  const resumed = jobs.resume(runJob);
  if (resumed) opts.log(`resumed ${resumed} job(s) that were running before a restart`);
  return { handler, jobs, faults: opts.faults, stats: () => ({ ...calls }) };
}

// ------------------------------------------------------------------ configuration and start-up

const envSchema = z.object({
  TEXTRACT_PORT: z.coerce.number().int().min(0).max(65535).default(54380),
  TEXTRACT_HOST: z.string().min(1).default('127.0.0.1'),
  LOCAL_AWS_ACCESS_KEY_ID: z.string().min(1).default(LOCAL_DEFAULT_CREDENTIALS.accessKeyId),
  LOCAL_AWS_SECRET_ACCESS_KEY: z.string().min(1).default(
    LOCAL_DEFAULT_CREDENTIALS.secretAccessKey,
  ),
  TEXTRACT_MODE: z.enum(['ocr', 'record', 'replay']).default('ocr'),
  TEXTRACT_CACHE_DIR: z.string().min(1).optional(),
  TEXTRACT_OCR_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(2),
  TALLYQ_OCR_ENGINE: z.enum(['tesseract', 'paddle', 'combined']).default('combined'),
  TEXTRACT_ADMIN_TOKEN: z.string().min(16).optional(),
  TEXTRACT_S3_ENDPOINT: z.string().url().optional(),
  AWS_REGION: z.string().min(1).default('us-east-1'),
  TEXTRACT_JOBS_DIR: z.string().min(1).optional(),
  TEXTRACT_LOG: z.enum(['0', '1']).default('1'),
});

export type LocalTextractEnv = z.infer<typeof envSchema>;

export function loadLocalTextractEnv(
  env: Record<string, string | undefined> = Deno.env.toObject(),
): LocalTextractEnv {
  const cleaned = Object.fromEntries(
    Object.entries(env).filter(([, v]) => v !== undefined && v !== ''),
  );
  const r = envSchema.safeParse(cleaned);
  if (!r.success) {
    const names = [...new Set(r.error.issues.map((i) => i.path.join('.')))];
    throw new Error(`Local Textract configuration is invalid: ${names.join(', ')}`);
  }
  return r.data;
}

export interface RunningTextract {
  url: string;
  port: number;
  local: LocalTextract;
  /** Stops listening, waits for running jobs, and stops the OCR sidecars. */
  close(): Promise<void>;
}

/**
 * Starts the endpoint with the real OCR engine and parser. `overrides` replace what env says
 * (tests pass port 0, an admin token, a stub recognizer…).
 */
export async function startLocalTextract(
  overrides: Partial<LocalTextractOptions> & { port?: number; hostname?: string } = {},
  env: Record<string, string | undefined> = Deno.env.toObject(),
): Promise<RunningTextract> {
  const e = loadLocalTextractEnv(env);
  const defaults = overrides.recognize && overrides.analyzePage ? null : defaultWiring();
  const log = overrides.log ??
    (e.TEXTRACT_LOG === '1' ? (l: string) => console.error(`[textract] ${l}`) : () => {});
  const opts: LocalTextractOptions = {
    credentials: new Map([[e.LOCAL_AWS_ACCESS_KEY_ID, e.LOCAL_AWS_SECRET_ACCESS_KEY]]),
    recognize: overrides.recognize ?? (defaults as Wiring).recognize,
    analyzePage: overrides.analyzePage ?? (defaults as Wiring).analyzePage,
    engine: e.TALLYQ_OCR_ENGINE,
    mode: e.TEXTRACT_MODE,
    cache: new OcrCache(e.TEXTRACT_CACHE_DIR),
    concurrency: e.TEXTRACT_OCR_CONCURRENCY,
    faults: FaultInjector.fromEnv(env.TEXTRACT_FAULTS),
    adminToken: e.TEXTRACT_ADMIN_TOKEN,
    s3: e.TEXTRACT_S3_ENDPOINT
      ? { endpoint: e.TEXTRACT_S3_ENDPOINT, region: e.AWS_REGION }
      : undefined,
    jobsDir: e.TEXTRACT_JOBS_DIR,
    ...overrides,
    log,
  };
  if (opts.faults.list().length) log(`fault injection ON: ${JSON.stringify(opts.faults.list())}`);
  if (opts.mode !== 'ocr') log(`mode=${opts.mode} cache=${opts.cache.dir}`);
  const local = createLocalTextract(opts);
  const port = overrides.port ?? e.TEXTRACT_PORT;
  const hostname = overrides.hostname ?? e.TEXTRACT_HOST;
  const listening = Promise.withResolvers<number>();
  const server = Deno.serve(
    { port, hostname, onListen: (a) => listening.resolve(a.port) },
    local.handler,
  );
  const actual = await listening.promise;
  return {
    url: `http://${hostname}:${actual}`,
    port: actual,
    local,
    async close() {
      await server.shutdown();
      await local.jobs.settle();
      defaults?.close();
    },
  };
}

interface Wiring {
  recognize: Recognize;
  analyzePage: AnalyzePage;
  close(): void;
}

/** The real thing: local OCR engines and the project's receipt parser. */
export function defaultWiring(): Wiring {
  return {
    recognize: (image, o) => recognize(image, { engine: o.engine }),
    analyzePage: (page) => toExpenseDocument(parseReceiptPage(page), page.lines),
    close: () => closeEngines(),
  };
}

if (import.meta.main) {
  const running = await startLocalTextract();
  console.error(`[textract] listening on ${running.url}`);
  const stop = async () => {
    await running.close();
    Deno.exit(0);
  };
  Deno.addSignalListener('SIGINT', stop);
  Deno.addSignalListener('SIGTERM', stop);
}
