// Usage: npm run --silent extract -- <file>...
//
// Prints one JSON line per input file, in input order:
//   {"file","vendor","date","total","currency","address","subtotal","tax","line_items","tax_id",
//    "confidence":{field: 0..1}}                       (null where unknown)
// or {"file", "error", …all fields null} when the file cannot be read or Textract refuses it; the
// CLI then goes on with the next file (exit status 0; 2 for usage errors).
//
// Same path as the receipt worker: the Textract client (SigV4, JSON 1.1) → a Textract-compatible
// endpoint → fromAnalyzeExpense. Images go to AnalyzeExpense; PDFs to StartExpenseAnalysis and
// GetExpenseAnalysis. Two files are in flight at a time.
//
// Endpoint: TEXTRACT_ENDPOINT if set (used as is, e.g. real AWS with AWS_* credentials);
// otherwise the local stack's endpoint on 127.0.0.1:$TEXTRACT_PORT (54380) when it answers;
// otherwise this process starts its own on a free port and stops it at the end (so several CLI
// processes can run at once). Other env: AWS_REGION (us-east-1), LOCAL_AWS_ACCESS_KEY_ID /
// LOCAL_AWS_SECRET_ACCESS_KEY (local defaults), TEXTRACT_S3_BUCKET (+ _ENDPOINT, _PREFIX: stage PDFs
// in S3 as the worker does; required on AWS), TALLYQ_OCR_ENGINE, TEXTRACT_MODE (replay reuses
// recorded OCR from .tallyq/cache/textract), EXTRACT_CONCURRENCY (2), TEXTRACT_LOG=1 for logs.

import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  createTextractClient,
  type TextractClient,
} from '../supabase/functions/_shared/textract/client.ts';
import { TextractError } from '../supabase/functions/_shared/textract/errors.ts';
import {
  loadStagingConfig,
  s3DocumentStaging,
} from '../supabase/functions/_shared/textract/staging.ts';
import type { AnalyzeExpenseResponse } from '../supabase/functions/_shared/textract/types.ts';
import { fromAnalyzeExpense } from '../supabase/functions/_shared/receipts/parser/parse.ts';
import { detectFormat } from '../supabase/local/textract/documents.ts';
import {
  LOCAL_DEFAULT_CREDENTIALS,
  type RunningTextract,
  startLocalTextract,
} from '../supabase/local/textract/server.ts';

const FIELDS = [
  'vendor',
  'date',
  'total',
  'currency',
  'address',
  'subtotal',
  'tax',
  'line_items',
  'tax_id',
] as const;
type Field = (typeof FIELDS)[number];

export type ExtractLine =
  & { file: string; error?: string; confidence: Partial<Record<Field, number>> | null }
  & Record<Field, unknown>;

const env = Deno.env.toObject();
const log = env.TEXTRACT_LOG === '1' ? (l: string) => console.error(`[extract] ${l}`) : () => {};

async function isLocalEndpoint(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/__health`, { signal: AbortSignal.timeout(500) });
    const body = await res.json().catch(() => null);
    return res.ok && body?.service === 'tallyq-local-textract';
  } catch {
    return false;
  }
}

/** The local stack keeps its generated credentials in .tallyq/<profile>/secrets.env. */
async function stackCredentials(port: string): Promise<{ id: string; secret: string } | null> {
  const profile = port === '54380' ? 'dev' : port === '55380' ? 'test' : null;
  if (!profile) return null;
  try {
    const file = new URL(`../.tallyq/${profile}/secrets.env`, import.meta.url);
    const vars = Object.fromEntries(
      (await readFile(file, 'utf8')).split('\n').map((l) => l.split(/=(.*)/s, 2)),
    );
    const id = vars.LOCAL_AWS_ACCESS_KEY_ID?.trim();
    const secret = vars.LOCAL_AWS_SECRET_ACCESS_KEY?.trim();
    return id && secret ? { id, secret } : null;
  } catch {
    return null;
  }
}

/** Finds or starts an endpoint; returns the client and a stop function. */
export async function connect(): Promise<{ client: TextractClient; stop: () => Promise<void> }> {
  let endpoint = env.TEXTRACT_ENDPOINT?.replace(/\/+$/, '');
  let running: RunningTextract | undefined;
  const explicit = !!endpoint;
  if (!endpoint) {
    const port = env.TEXTRACT_PORT || '54380';
    const stack = `http://127.0.0.1:${port}`;
    const creds = env.LOCAL_AWS_ACCESS_KEY_ID ? null : await stackCredentials(port);
    if ((env.LOCAL_AWS_ACCESS_KEY_ID || creds) && (await isLocalEndpoint(stack))) {
      endpoint = stack;
      if (creds) {
        env.LOCAL_AWS_ACCESS_KEY_ID = creds.id;
        env.LOCAL_AWS_SECRET_ACCESS_KEY = creds.secret;
      }
      log(`using the running endpoint at ${stack}`);
    } else {
      running = await startLocalTextract({
        port: 0,
        log: env.TEXTRACT_LOG === '1' ? (l) => console.error(`[textract] ${l}`) : () => {},
      });
      endpoint = running.url;
      log(`started an endpoint at ${endpoint}`);
    }
  }
  const local = !explicit || /^http:\/\/(127\.0\.0\.1|localhost)[:/]/.test(endpoint);
  const client = createTextractClient({
    region: env.AWS_REGION || 'us-east-1',
    endpoint,
    accessKeyId: (local ? env.LOCAL_AWS_ACCESS_KEY_ID : env.AWS_ACCESS_KEY_ID) ||
      LOCAL_DEFAULT_CREDENTIALS.accessKeyId,
    secretAccessKey: (local ? env.LOCAL_AWS_SECRET_ACCESS_KEY : env.AWS_SECRET_ACCESS_KEY) ||
      LOCAL_DEFAULT_CREDENTIALS.secretAccessKey,
    sessionToken: local ? undefined : env.AWS_SESSION_TOKEN || undefined,
    timeoutMs: 300_000,
    maxAttempts: 4,
    retryBaseMs: 250,
    retryMaxMs: 4_000,
  });
  return { client, stop: async () => await running?.close() };
}

/**
 * Runs a PDF through StartExpenseAnalysis and polls GetExpenseAnalysis (a CLI may wait). With
 * TEXTRACT_S3_BUCKET set the PDF is staged in S3 as the worker does (what AWS requires);
 * otherwise it goes as Bytes, which only the local endpoint accepts.
 */
async function analyzePdf(
  client: TextractClient,
  bytes: Uint8Array,
): Promise<AnalyzeExpenseResponse> {
  const stagingConfig = loadStagingConfig(env);
  const staging = stagingConfig ? s3DocumentStaging(stagingConfig) : null;
  const ref = {
    organisationId: 'cli',
    receiptId: crypto.randomUUID(),
    contentType: 'application/pdf',
  };
  try {
    const input = staging ? { s3Object: await staging.stage(ref, bytes) } : { bytes };
    return await pollJob(client, await client.startExpenseAnalysis(input));
  } finally {
    await staging?.remove(ref);
  }
}

async function pollJob(client: TextractClient, jobId: string): Promise<AnalyzeExpenseResponse> {
  const docs: NonNullable<AnalyzeExpenseResponse['ExpenseDocuments']> = [];
  let pages = 0;
  let delay = 100;
  for (;;) {
    const res = await client.getExpenseAnalysis(jobId);
    if (res.JobStatus === 'IN_PROGRESS') {
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(1000, delay * 2);
      continue;
    }
    if (res.JobStatus === 'FAILED') {
      throw new TextractError('BadDocumentException', res.StatusMessage ?? 'Analysis failed', null);
    }
    pages = res.DocumentMetadata?.Pages ?? pages;
    docs.push(...(res.ExpenseDocuments ?? []));
    let next = res.NextToken;
    while (next) {
      const more = await client.getExpenseAnalysis(jobId, { nextToken: next });
      docs.push(...(more.ExpenseDocuments ?? []));
      next = more.NextToken;
    }
    return { DocumentMetadata: { Pages: pages }, ExpenseDocuments: docs };
  }
}

function emptyLine(file: string, error: string): ExtractLine {
  const out = { file } as ExtractLine;
  for (const f of FIELDS) out[f] = null;
  out.confidence = null;
  out.error = error;
  return out;
}

export async function extractOne(
  client: TextractClient,
  file: string,
  cwd: string,
): Promise<ExtractLine> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(resolve(cwd, file)));
  } catch (err) {
    return emptyLine(file, `Cannot read file: ${err instanceof Error ? err.message : String(err)}`);
  }
  try {
    const resp = detectFormat(bytes) === 'pdf'
      ? await analyzePdf(client, bytes)
      : await client.analyzeExpense(bytes);
    const p = fromAnalyzeExpense(resp);
    const out = { file } as ExtractLine;
    const confidence: Partial<Record<Field, number>> = {};
    for (const f of FIELDS) {
      out[f] = p[f] ?? null;
      confidence[f] = p.confidence[f] ?? 0;
    }
    out.confidence = confidence;
    return out;
  } catch (err) {
    if (err instanceof TextractError) return emptyLine(file, `${err.code}: ${err.message}`);
    return emptyLine(file, err instanceof Error ? err.message : String(err));
  }
}

/** Runs `work` over items `limit` at a time and hands results to `emit` in input order. */
export async function inOrder<T, R>(
  items: T[],
  limit: number,
  work: (item: T) => Promise<R>,
  emit: (r: R) => void,
): Promise<void> {
  const results = new Map<number, R>();
  let nextToEmit = 0;
  let nextToStart = 0;
  const lane = async () => {
    while (nextToStart < items.length) {
      const i = nextToStart++;
      results.set(i, await work(items[i]));
      while (results.has(nextToEmit)) {
        emit(results.get(nextToEmit) as R);
        results.delete(nextToEmit++);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

if (import.meta.main) {
  const files = Deno.args.filter((a) => a !== '--');
  if (files.length === 0 || files.some((f) => f === '-h' || f === '--help')) {
    console.error('Usage: npm run --silent extract -- <file>...');
    Deno.exit(2);
  }
  // npm runs scripts from the package root; resolve paths against where the user was.
  const cwd = env.INIT_CWD || Deno.cwd();
  const concurrency = Math.max(1, Number(env.EXTRACT_CONCURRENCY || '2') || 2);
  const { client, stop } = await connect();
  const enc = new TextEncoder();
  try {
    await inOrder(files, concurrency, (f) => extractOne(client, f, cwd), (line) => {
      Deno.stdout.writeSync(enc.encode(JSON.stringify(line) + '\n'));
    });
  } finally {
    await stop();
  }
  Deno.exit(0);
}
