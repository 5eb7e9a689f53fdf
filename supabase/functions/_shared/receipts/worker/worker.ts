// The receipt worker: claim a batch from pgmq, OCR each receipt through Textract, keep the raw
// response as a content-addressed artifact, extract fields, and settle the whole batch in one
// database call. All I/O is injected, so the loop is tested against real Postgres with any
// Textract (the local endpoint, a scripted fault, a replay).
import { checkArithmetic } from './arithmetic.ts';
import { BlobNotFound, type BlobStore } from '../../storage/blob-store.ts';
import { TextractError } from '../../textract/errors.ts';
import type { AnalyzeExpenseResponse, Block } from '../../textract/types.ts';
import type { TextractClient } from '../../textract/client.ts';
import { routeDocument } from '../../textract/limits.ts';
import { pdfFromJpegs } from '../../textract/pdf-from-jpeg.ts';
import type { DocumentStaging } from '../../textract/staging.ts';
import { type AsyncJobDeps, readJob, removeStaged, startJob } from './async-job.ts';
import { fromAnalyzeExpense, type ParsedReceipt } from '../parser/parse.ts';
import { backoffSeconds } from '../../queue/backoff.ts';
import type { QueueConsumerConfig } from '../../queue/config.ts';
import { drainQueue, type DrainSummary, mapConcurrent } from '../../queue/drain.ts';
import { traceMessage } from '../../queue/trace.ts';
import { sha256Hex } from '../../crypto/sha256.ts';
import { cleanJson, type FieldRecord, fitToColumns } from './fit-columns.ts';

export type ClaimedReceipt = {
  msg_id: number | bigint | string;
  read_ct: number;
  mode: 'ocr' | 'rederive';
  receipt_id: string;
  organisation_id: string;
  storage_path: string;
  sha256: string;
  content_type: string;
  attempts: number;
  textract_job_id: string | null;
  artifact_path: string | null;
  /** The request that enqueued it (its queue message's correlation_id), when known. */
  correlation_id?: string | null;
};

export type ReceiptOutcome =
  | {
    outcome: 'done';
    status: 'ocr_done' | 'needs_review';
    fields: Record<string, unknown>;
    artifact: ArtifactRef | null;
  }
  | { outcome: 'wait'; delay_seconds: number; textract_job_id?: string | null }
  | { outcome: 'retry'; error: string; delay_seconds: number }
  | { outcome: 'fail'; error: string };

export type ArtifactRef = {
  kind: 'analyze_expense' | 'expense_analysis_job';
  storage_path: string;
  sha256: string;
  size_bytes: number;
};

export type SettledOutcome = ReceiptOutcome & {
  msg_id: string;
  receipt_id: string;
  mode: string;
  processor_version: string;
};

/** The two database calls the worker makes per batch (see 20261122000240_receipt_worker_api.sql). */
export interface WorkerQueue {
  /** Messages delivered more than maxDeliveries times without a settle are dead-lettered. */
  claim(qty: number, vtSeconds: number, maxDeliveries: number): Promise<ClaimedReceipt[]>;
  settle(outcomes: SettledOutcome[], maxAttempts: number): Promise<Record<string, number>>;
}

/** The queue consumer settings (queue/config.ts) and what only OCR needs. */
export type WorkerConfig = Omit<QueueConsumerConfig, 'secret'> & {
  processorVersion: string;
  /** Receipts OCR'd at once within a batch. */
  concurrency: number;
  /** Seconds between polls of an async (PDF) Textract job. */
  asyncPollSeconds: number;
  /** Below this confidence (0..1) on vendor, date or total a receipt lands in needs_review. */
  reviewThreshold: number;
  locale?: string;
};

export interface WorkerDeps {
  queue: WorkerQueue;
  blobs: BlobStore;
  textract: Pick<TextractClient, 'analyzeExpense' | 'startExpenseAnalysis' | 'getExpenseAnalysis'>;
  /** The S3 bucket StartExpenseAnalysis reads from; without it async documents fail clearly. */
  staging?: DocumentStaging;
  now?: () => number;
  random?: () => number;
  log?: (msg: string, extra?: Record<string, unknown>) => void;
}

export type WorkerSummary = DrainSummary;

export function createReceiptWorker(config: WorkerConfig, deps: WorkerDeps) {
  const now = deps.now ?? Date.now;
  const random = deps.random ?? Math.random;
  const log = deps.log ?? (() => {});

  async function processOne(r: ClaimedReceipt): Promise<ReceiptOutcome> {
    try {
      if (r.mode === 'rederive') return await rederive(r);
      if (r.textract_job_id) return await collectJob(r, r.textract_job_id);
      const bytes = await readDocument(deps.blobs, r);
      const route = routeDocument(r.content_type, bytes.length);
      if (route.path === 'refuse') return { outcome: 'fail', error: route.reason };
      if (route.path === 'async') {
        const document = route.wrapJpegInPdf ? pdfFromJpegs([bytes]) : bytes;
        return await startJob(jobs, r, document, {
          pollSeconds: config.asyncPollSeconds,
          clientRequestToken: textractRequestToken(r),
        });
      }
      const response = await deps.textract.analyzeExpense(bytes);
      return await finish(r, response, 'analyze_expense');
    } catch (err) {
      return classifyFailure(
        err,
        () => delayFor(r),
        (error) => log('unexpected worker error', { receipt_id: r.receipt_id, error }),
      );
    }
  }

  async function rederive(r: ClaimedReceipt): Promise<ReceiptOutcome> {
    if (!r.artifact_path) return { outcome: 'fail', error: 'No stored artifact to re-derive from' };
    const raw = await readArtifact(deps.blobs, r.artifact_path);
    const response = JSON.parse(new TextDecoder().decode(raw)) as AnalyzeExpenseResponse;
    return { ...derive(response), artifact: null };
  }

  const jobs: AsyncJobDeps = { textract: deps.textract, staging: deps.staging, log };

  async function collectJob(r: ClaimedReceipt, jobId: string): Promise<ReceiptOutcome> {
    const job = await readJob(jobs, jobId);
    if (job.status === 'running') {
      return { outcome: 'wait', delay_seconds: config.asyncPollSeconds };
    }
    const outcome: ReceiptOutcome = job.status === 'failed'
      ? { outcome: 'fail', error: `Textract job failed: ${job.message}` }
      : await finish(r, job.response, 'expense_analysis_job');
    await removeStaged(jobs, r);
    return outcome;
  }

  async function finish(
    r: ClaimedReceipt,
    response: AnalyzeExpenseResponse,
    kind: ArtifactRef['kind'],
  ): Promise<ReceiptOutcome> {
    const artifact = await storeArtifact(deps.blobs, response, kind);
    log('receipt extracted', { receipt_id: r.receipt_id, artifact: artifact.storage_path });
    return { ...derive(response), artifact };
  }

  const derive = (response: AnalyzeExpenseResponse) => deriveOutcome(response, config, log);

  function delayFor(r: ClaimedReceipt): number {
    return backoffSeconds(
      r.attempts + 1,
      config.backoffBaseSeconds,
      config.backoffMaxSeconds,
      random,
    );
  }

  /** Drains the queue until it is empty or the time budget is spent. */
  function run(): Promise<WorkerSummary> {
    return drainQueue<ClaimedReceipt, ReceiptOutcome>(
      {
        claim: () =>
          deps.queue.claim(config.batchSize, config.visibilitySeconds, config.maxDeliveries),
        // each receipt's log lines carry its request's correlation id, and one closes with the
        // outcome and duration
        work: (batch) =>
          mapConcurrent(batch, config.concurrency, (r) =>
            traceMessage(
              r.correlation_id,
              { receipt_id: r.receipt_id, msg_id: String(r.msg_id), mode: r.mode },
              log,
              () => processOne(r),
            )),
        revisitAfterMs,
        settle: (batch, results) =>
          deps.queue.settle(
            results.map((o, i) => ({
              ...cleanJson(o),
              msg_id: String(batch[i].msg_id),
              receipt_id: batch[i].receipt_id,
              mode: batch[i].mode,
              processor_version: config.processorVersion,
            })),
            config.maxAttempts,
          ),
      },
      config.budgetMs,
      now,
    );
  }

  return { run, processOne };
}

/** The done outcome of a Textract response: fields, and the status they earn. */
function deriveOutcome(
  response: AnalyzeExpenseResponse,
  config: WorkerConfig,
  log: NonNullable<WorkerDeps['log']>,
) {
  // Fields that contradict each other lose confidence, and the receipt goes to review.
  const { parsed, issues } = checkArithmetic(
    fromAnalyzeExpense(response, { locale: config.locale }),
  );
  if (issues.length > 0) log('arithmetic contradiction', { issues: issues.map((i) => i.code) });
  // Values the database cannot hold are dropped here, not discovered by settle.
  const { fields, dropped } = fitToColumns(toFieldRecord(parsed, meanLineConfidence(response)));
  const review = issues.length > 0 || dropped.length > 0 ||
    needsReview(parsed, config.reviewThreshold);
  const status: 'ocr_done' | 'needs_review' = review ? 'needs_review' : 'ocr_done';
  // (dropped: recorded on the result event, so a reviewer sees why a value is missing)
  return { outcome: 'done' as const, status, fields: { ...fields, dropped } };
}

/**
 * When a batch's deferred messages (a running PDF job, or our own governor's "not yet") are due
 * again: a moment after the earliest becomes visible; null when nothing waits.
 */
export function revisitAfterMs(outcomes: ReceiptOutcome[]): number | null {
  const waits = outcomes.flatMap((o) => o.outcome === 'wait' ? [o.delay_seconds] : []);
  return waits.length ? Math.min(...waits) * 1000 + 250 : null;
}

/** The stored document, refused when its bytes are not the ones registered (sha256). */
export async function readDocument(blobs: BlobStore, r: ClaimedReceipt): Promise<Uint8Array> {
  const bytes = await blobs.get(r.storage_path);
  const actual = sha256Hex(bytes);
  if (actual !== r.sha256) {
    throw new IntegrityError(
      `Stored file does not match its sha256 (registered ${r.sha256}, stored ${actual})`,
    );
  }
  return bytes;
}

/** A stored OCR artifact, refused when it is not the content its address names. */
async function readArtifact(blobs: BlobStore, path: string): Promise<Uint8Array> {
  const raw = await blobs.get(path);
  const name = /^artifacts\/([0-9a-f]{64})\.json$/.exec(path);
  if (name && sha256Hex(raw) !== name[1]) {
    throw new IntegrityError(`Artifact ${path} does not match its sha256`);
  }
  return raw;
}

/** Stored bytes that are not what was registered: never OCR'd, the receipt fails. */
export class IntegrityError extends Error {
  override name = 'IntegrityError';
}

/**
 * Textract's idempotency token for StartExpenseAnalysis: this receipt and this queue message.
 * A redelivered message (a crash after the start) gets the same job back; a replay or recovery
 * (a new message) starts a new one. Never the file's hash: another tenant can present that.
 */
export function textractRequestToken(r: Pick<ClaimedReceipt, 'receipt_id' | 'msg_id'>): string {
  return `${r.receipt_id.replace(/-/g, '')}-${String(r.msg_id)}`.slice(0, 64);
}

/**
 * What a receipt whose processing threw becomes: a wait when our own governor said "not yet" (no
 * attempt spent), a failure when nothing will change on a retry, else a retry after `retryDelay`.
 */
export function classifyFailure(
  err: unknown,
  retryDelay: () => number,
  onUnexpected: (error: string) => void,
): ReceiptOutcome {
  if (err instanceof TextractError) {
    if (err.code === 'RateLimited' && err.retryAfterMs !== undefined) {
      return { outcome: 'wait', delay_seconds: Math.ceil(err.retryAfterMs / 1000) };
    }
    const error = `${err.code}: ${err.message}`;
    if (!err.retryable) return { outcome: 'fail', error };
    return { outcome: 'retry', error, delay_seconds: retryDelay() };
  }
  if (err instanceof BlobNotFound || err instanceof IntegrityError) {
    return { outcome: 'fail', error: err.message };
  }
  if (err instanceof SyntaxError) {
    return { outcome: 'fail', error: `Corrupt artifact: ${err.message}` };
  }
  // Unknown errors are treated as transient; the attempt budget bounds them.
  const error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  onUnexpected(error);
  return { outcome: 'retry', error, delay_seconds: retryDelay() };
}

/** Writes the raw response once, at artifacts/<sha256 of its bytes>.json. */
export async function storeArtifact(
  blobs: BlobStore,
  response: AnalyzeExpenseResponse,
  kind: ArtifactRef['kind'],
): Promise<ArtifactRef> {
  const bytes = new TextEncoder().encode(JSON.stringify(response));
  const sha256 = sha256Hex(bytes);
  const storage_path = `artifacts/${sha256}.json`;
  await blobs.put(storage_path, bytes, 'application/json', { ifAbsent: true });
  return { kind, storage_path, sha256, size_bytes: bytes.byteLength };
}

/** A receipt needs a human when a key field is missing or read with low confidence. */
export function needsReview(parsed: ParsedReceipt, threshold: number): boolean {
  return (['vendor', 'date', 'total'] as const).some((f) =>
    parsed[f] === null || (parsed.confidence[f] ?? 0) < threshold
  );
}

/** Mean LINE confidence of the response, as 0..1 (Textract reports 0..100). */
export function meanLineConfidence(response: AnalyzeExpenseResponse): number | null {
  const lines: Block[] = (response.ExpenseDocuments ?? []).flatMap((d) => d.Blocks ?? [])
    .filter((b) => b.BlockType === 'LINE' && typeof b.Confidence === 'number');
  if (lines.length === 0) return null;
  const mean = lines.reduce((s, b) => s + (b.Confidence ?? 0), 0) / lines.length / 100;
  return Math.round(Math.min(1, Math.max(0, mean)) * 10000) / 10000;
}

function toFieldRecord(p: ParsedReceipt, ocrConfidence: number | null): FieldRecord {
  return {
    vendor: p.vendor,
    address: p.address,
    date: p.date,
    time: p.time,
    currency: p.currency,
    subtotal: p.subtotal,
    tax: p.tax,
    total: p.total,
    payment_method: p.payment_method,
    tax_id: p.tax_id,
    locale: p.locale,
    line_items: p.line_items,
    confidence: p.confidence,
    ocr_confidence: ocrConfidence,
  };
}
