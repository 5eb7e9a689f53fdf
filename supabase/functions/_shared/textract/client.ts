// Textract client over aws4fetch (SigV4), speaking the JSON 1.1 protocol
// (`X-Amz-Target: Textract.<Operation>`). The same code talks to AWS in production and to the
// local Textract-compatible endpoint (supabase/local/textract/server.ts) everywhere else.
//
// Every call: take a slot from the optional Redis rate governor, sign, send with a timeout, and on
// a retryable failure (throttle, 5xx, network, timeout, garbled body) back off with full jitter
// for a few attempts; then surface a TextractError whose `retryable` flag the worker acts on.
// Async jobs are never polled here: startExpenseAnalysis returns the JobId and the caller asks
// getExpenseAnalysis again on a later run.

import { AwsClient } from 'npm:aws4fetch@^1.0.20';
import { Buffer } from 'node:buffer';
import { z } from 'npm:zod@^3.24.4';
import { fromNetworkError, parseErrorResponse, TextractError } from './errors.ts';
import type { TextractGovernor, TextractOperation } from './governor.ts';
import type {
  AnalyzeExpenseResponse,
  DetectDocumentTextResponse,
  GetExpenseAnalysisResponse,
  S3Object,
} from './types.ts';

export type { TextractOperation };

const configSchema = z.object({
  AWS_REGION: z.string().min(1),
  AWS_ACCESS_KEY_ID: z.string().min(1),
  AWS_SECRET_ACCESS_KEY: z.string().min(1),
  AWS_SESSION_TOKEN: z.string().min(1).optional(),
  /** Defaults to the regional AWS endpoint; set to http://127.0.0.1:54380 for the local one. */
  TEXTRACT_ENDPOINT: z.string().url().optional(),
  TEXTRACT_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
  /** Attempts per call including the first (1 = no in-call retry). */
  TEXTRACT_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
  TEXTRACT_RETRY_BASE_MS: z.coerce.number().int().min(0).default(200),
  TEXTRACT_RETRY_MAX_MS: z.coerce.number().int().min(0).default(2_000),
});

export interface TextractConfig {
  region: string;
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  timeoutMs: number;
  maxAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
}

/** Reads the client's configuration from env; throws naming every missing or invalid variable. */
export function loadTextractConfig(
  env: Record<string, string | undefined> = Deno.env.toObject(),
): TextractConfig {
  const cleaned = Object.fromEntries(
    Object.entries(env).filter(([, v]) => v !== undefined && v !== ''),
  );
  const r = configSchema.safeParse(cleaned);
  if (!r.success) {
    const names = [...new Set(r.error.issues.map((i) => i.path.join('.')))];
    throw new Error(`Textract configuration is missing or invalid: ${names.join(', ')}`);
  }
  const c = r.data;
  return {
    region: c.AWS_REGION,
    endpoint: (c.TEXTRACT_ENDPOINT ?? `https://textract.${c.AWS_REGION}.amazonaws.com`)
      .replace(/\/+$/, ''),
    accessKeyId: c.AWS_ACCESS_KEY_ID,
    secretAccessKey: c.AWS_SECRET_ACCESS_KEY,
    sessionToken: c.AWS_SESSION_TOKEN,
    timeoutMs: c.TEXTRACT_TIMEOUT_MS,
    maxAttempts: c.TEXTRACT_MAX_ATTEMPTS,
    retryBaseMs: c.TEXTRACT_RETRY_BASE_MS,
    retryMaxMs: c.TEXTRACT_RETRY_MAX_MS,
  };
}

export interface TextractClientDeps {
  fetch?: typeof fetch;
  /** Shared TPS budget; without it calls go out unthrottled (fine for the CLI and tests). */
  governor?: Pick<TextractGovernor, 'acquire'>;
  sleep?: (ms: number) => Promise<void>;
  /** 0..1, for backoff jitter (injectable so tests are deterministic). */
  random?: () => number;
  /** Observes every attempt (op, attempt number, outcome) — for logs and tests. */
  onAttempt?: (e: { op: TextractOperation; attempt: number; error?: TextractError }) => void;
}

/**
 * Where StartExpenseAnalysis reads the document. Real AWS accepts only `s3Object`; `bytes` is an
 * extension understood by the local endpoint alone (the CLI and tests use it for PDFs).
 */
export type StartExpenseInput =
  | { s3Object: S3Object; clientRequestToken?: string; jobTag?: string }
  | { bytes: Uint8Array; clientRequestToken?: string; jobTag?: string };

export interface TextractClient {
  readonly config: Readonly<Omit<TextractConfig, 'secretAccessKey' | 'sessionToken'>>;
  /** Sync expense analysis of one image (JPEG/PNG) or single-page PDF, at most 10 MB. */
  analyzeExpense(bytes: Uint8Array): Promise<AnalyzeExpenseResponse>;
  /** Sync OCR: PAGE/LINE/WORD blocks. */
  detectDocumentText(bytes: Uint8Array): Promise<DetectDocumentTextResponse>;
  /** Starts an async expense analysis (PDFs, multi-page documents); returns the JobId. */
  startExpenseAnalysis(input: StartExpenseInput): Promise<string>;
  /** One page of a job's results; JobStatus IN_PROGRESS means "ask again later". */
  getExpenseAnalysis(
    jobId: string,
    opts?: { nextToken?: string; maxResults?: number },
  ): Promise<GetExpenseAnalysisResponse>;
  /** Low-level: one JSON 1.1 operation with governor, signing, timeout and retries. */
  call<T>(op: TextractOperation, payload: unknown): Promise<T>;
}

export function createTextractClient(
  config: TextractConfig,
  deps: TextractClientDeps = {},
): TextractClient {
  const aws = new AwsClient({
    accessKeyId: config.accessKeyId,
    secretAccessKey: config.secretAccessKey,
    sessionToken: config.sessionToken,
    // Explicit: aws4fetch would otherwise guess both from the hostname (and fail on 127.0.0.1).
    service: 'textract',
    region: config.region,
    retries: 0,
  });
  const doFetch = deps.fetch ?? fetch;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const random = deps.random ?? Math.random;

  async function attempt<T>(op: TextractOperation, body: string): Promise<T> {
    let res: Response;
    let text: string;
    try {
      const req = await aws.sign(`${config.endpoint}/`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/x-amz-json-1.1',
          'X-Amz-Target': `Textract.${op}`,
        },
        body,
      });
      res = await doFetch(req, { signal: AbortSignal.timeout(config.timeoutMs) });
      text = await res.text();
    } catch (err) {
      throw fromNetworkError(err, config.timeoutMs);
    }
    if (!res.ok) throw parseErrorResponse(res.status, res.headers, text);
    try {
      return JSON.parse(text) as T;
    } catch (err) {
      throw new TextractError(
        'MalformedResponse',
        `Textract ${op} answered with a body that is not JSON`,
        res.status,
        {
          retryable: true,
          requestId: res.headers.get('x-amzn-requestid') ?? undefined,
          cause: err,
        },
      );
    }
  }

  async function call<T>(op: TextractOperation, payload: unknown): Promise<T> {
    const body = JSON.stringify(payload);
    for (let n = 1;; n++) {
      // Each attempt spends a slot of the shared budget, retries included.
      if (deps.governor) await deps.governor.acquire(op);
      try {
        const out = await attempt<T>(op, body);
        deps.onAttempt?.({ op, attempt: n });
        return out;
      } catch (err) {
        const e = err instanceof TextractError ? err : fromNetworkError(err, config.timeoutMs);
        deps.onAttempt?.({ op, attempt: n, error: e });
        if (!e.retryable || n >= config.maxAttempts) throw e;
        const cap = Math.min(config.retryMaxMs, config.retryBaseMs * 2 ** (n - 1));
        await sleep(Math.floor(random() * cap));
      }
    }
  }

  const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

  return {
    config: {
      region: config.region,
      endpoint: config.endpoint,
      accessKeyId: config.accessKeyId,
      timeoutMs: config.timeoutMs,
      maxAttempts: config.maxAttempts,
      retryBaseMs: config.retryBaseMs,
      retryMaxMs: config.retryMaxMs,
    },
    call,
    analyzeExpense: (bytes) =>
      call<AnalyzeExpenseResponse>('AnalyzeExpense', { Document: { Bytes: b64(bytes) } }),
    detectDocumentText: (bytes) =>
      call<DetectDocumentTextResponse>('DetectDocumentText', { Document: { Bytes: b64(bytes) } }),
    async startExpenseAnalysis(input) {
      const DocumentLocation = 's3Object' in input
        ? { S3Object: input.s3Object }
        : { Bytes: b64(input.bytes) };
      const res = await call<{ JobId?: string }>('StartExpenseAnalysis', {
        DocumentLocation,
        ...(input.clientRequestToken ? { ClientRequestToken: input.clientRequestToken } : {}),
        ...(input.jobTag ? { JobTag: input.jobTag } : {}),
      });
      if (typeof res.JobId !== 'string' || res.JobId === '') {
        throw new TextractError('MalformedResponse', 'StartExpenseAnalysis returned no JobId', 200);
      }
      return res.JobId;
    },
    getExpenseAnalysis: (jobId, opts = {}) =>
      call<GetExpenseAnalysisResponse>('GetExpenseAnalysis', {
        JobId: jobId,
        ...(opts.maxResults ? { MaxResults: opts.maxResults } : {}),
        ...(opts.nextToken ? { NextToken: opts.nextToken } : {}),
      }),
  };
}
