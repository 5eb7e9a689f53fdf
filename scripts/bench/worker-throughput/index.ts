// Worker throughput from `pending` to ocr_done|needs_review over receipts stored in bulk (owners ×
// the sample images), OCR answered by the bench endpoint REPLAYING recordings of real OCR; driven
// over HTTP (concurrent `?wait=1` drains of the receipt-worker function) and in-process
// (createReceiptWorker instances); side by side with graphile-worker 0.16 no-op jobs (defaults,
// concurrency 10) and a bare pgmq read(10)+archive loop, both on the same Postgres.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import postgres from 'postgres';
import { createDb } from '../../../supabase/functions/_shared/db/client.ts';
import { mapConcurrent } from '../../../supabase/functions/_shared/queue/drain.ts';
import { fromAnalyzeExpense } from '../../../supabase/functions/_shared/receipts/parser/parse.ts';
import { postgresWorkerQueue } from '../../../supabase/functions/_shared/receipts/worker/queue.ts';
import {
  type ClaimedReceipt,
  createReceiptWorker,
  type SettledOutcome,
  type WorkerDeps,
  type WorkerQueue,
} from '../../../supabase/functions/_shared/receipts/worker/worker.ts';
import type { BlobStore } from '../../../supabase/functions/_shared/storage/blob-store.ts';
import { localFsBlobStore } from '../../../supabase/functions/_shared/storage/local-fs.ts';
import type { AnalyzeExpenseResponse } from '../../../supabase/functions/_shared/textract/types.ts';
import { type BenchContext, runCommand } from '../context.ts';
import { type Image, loadavg, median, setKick } from '../support.ts';

const oneDecimal = (n: number) => n.toFixed(1);
const whole = (n: number) => Math.round(n).toLocaleString('en-US');

/** Wall time per named step, summed over calls (calls overlap: CPU waits count too). */
function stepTimers() {
  const totals = new Map<string, { calls: number; ms: number }>();
  async function timed<T>(step: string, fn: () => Promise<T>): Promise<T> {
    const t = performance.now();
    try {
      return await fn();
    } finally {
      const s = totals.get(step) ?? { calls: 0, ms: 0 };
      s.calls++;
      s.ms += performance.now() - t;
      totals.set(step, s);
    }
  }
  return { totals, timed };
}

function inProcessWorkers(
  ctx: BenchContext,
  instances: number,
  deps: Partial<WorkerDeps> = {},
  timed?: ReturnType<typeof stepTimers>['timed'],
) {
  const pools = Array.from(
    { length: instances },
    () => createDb(ctx.env.SUPABASE_DB_URL, { max: 4 }),
  );
  const blobs = localFsBlobStore(ctx.storageDir);
  const timedQueue = (q: WorkerQueue): WorkerQueue =>
    timed
      ? {
        claim: (a, b, c) => timed('claim (SQL)', () => q.claim(a, b, c)),
        settle: (a, b) => timed('settle (SQL)', () => q.settle(a, b)),
      }
      : q;
  const timedBlobs: BlobStore = timed
    ? {
      ...blobs,
      get: (p) => timed('blob read', () => blobs.get(p)),
      put: (p, bytes, ct, o) => timed('artifact write', () => blobs.put(p, bytes, ct, o)),
    }
    : blobs;
  const textract = timed
    ? {
      ...ctx.textract,
      analyzeExpense: (b: Uint8Array) =>
        timed('Textract call', () => ctx.textract.analyzeExpense(b)),
    }
    : ctx.textract;
  const workers = pools.map((pool) =>
    createReceiptWorker(ctx.workerConfig, {
      queue: timedQueue(postgresWorkerQueue(pool)),
      blobs: timedBlobs,
      textract,
      ...deps,
    })
  );
  return {
    drain: () => Promise.all(workers.map((w) => w.run())),
    close: () => Promise.all(pools.map((p) => p.end())),
  };
}

/** Records real OCR of every sample image once (the replay endpoint answers from it later). */
async function recordSample(ctx: BenchContext) {
  const missing: Image[] = [];
  for (const img of ctx.images) {
    if (!(await stat(join(ctx.cacheDir, `${img.sha}.${ctx.engine}.json`)).catch(() => null))) {
      missing.push(img);
    }
  }
  if (missing.length === 0) return;
  ctx.log(
    `recording real OCR of ${missing.length} sample images once (${ctx.engine}, 2 at a time)…`,
  );
  const t = performance.now();
  await mapConcurrent(missing, 2, (img) => ctx.textract.analyzeExpense(img.bytes));
  ctx.log(`recorded in ${oneDecimal((performance.now() - t) / 1000)} s into ${ctx.cacheDir}`);
}

const CANNED_FIELDS = {
  vendor: 'BENCH TRADING SDN BHD',
  address: '1 Jalan Bench, Kuala Lumpur',
  date: '2018-01-02',
  time: '12:34:00',
  currency: 'MYR',
  subtotal: '10.00',
  tax: '0.60',
  total: '10.60',
  payment_method: 'cash',
  line_items: [{ description: 'ITEM', quantity: '1', unit_price: '10.00', amount: '10.00' }],
  confidence: { vendor: 0.9, date: 0.9, total: 0.9 },
  ocr_confidence: 0.9,
};

function cannedOutcome(ctx: BenchContext, r: ClaimedReceipt): SettledOutcome {
  return {
    outcome: 'done',
    status: 'ocr_done',
    fields: CANNED_FIELDS,
    artifact: {
      kind: 'analyze_expense',
      storage_path: `artifacts/${r.sha256}.json`,
      sha256: r.sha256,
      size_bytes: 1000,
    },
    msg_id: String(r.msg_id),
    receipt_id: r.receipt_id,
    mode: r.mode,
    processor_version: ctx.workerConfig.processorVersion,
  };
}

let graphileDb: string | null = null;

/** graphile-worker 0.16 no-op jobs per second (defaults, concurrency 10), same Postgres. */
async function graphileJobsPerSecond(ctx: BenchContext): Promise<number> {
  if (!graphileDb) {
    const [{ exists }] = await ctx.sql`select exists (select 1 from pg_database
      where datname = 'bench_graphile') as exists`;
    if (!exists) await ctx.sql.unsafe('create database bench_graphile');
    graphileDb = ctx.env.SUPABASE_DB_URL.replace(/\/postgres(\?|$)/, '/bench_graphile$1');
  }
  const out = await runCommand('node', [
    'scripts/bench/worker-throughput/graphile.mjs',
    graphileDb,
    String(ctx.options.graphileJobs),
    '10',
    '1',
  ]);
  const result = JSON.parse(out.trim().split('\n').pop()!) as { runs: { jobs_per_s: number }[] };
  return result.runs[0].jobs_per_s;
}

/** A pgmq-style consumer with nothing to do: read 10, archive them in one call; 10 connections. */
async function bareMessagesPerSecond(ctx: BenchContext): Promise<number> {
  const messages = 20_000;
  const queue = 'bench_baseline';
  await ctx.sql`select pgmq.create(${queue})`;
  const conns = Array.from({ length: 10 }, () => postgres(ctx.env.SUPABASE_DB_URL, { max: 1 }));
  try {
    await ctx.sql`select pgmq.send_batch(${queue}, array(
      select jsonb_build_object('i', g) from generate_series(1, ${messages}) as g))`;
    const t = performance.now();
    let moved = 0;
    await Promise.all(conns.map(async (c) => {
      while (true) {
        const rows = await c`select msg_id from pgmq.read(${queue}, 30, 10)`;
        if (rows.length === 0) break;
        await c`select pgmq.archive(${queue}, ${c.array(rows.map((r) => r.msg_id))}::bigint[])`;
        moved += rows.length;
      }
    }));
    return moved / ((performance.now() - t) / 1000);
  } finally {
    await Promise.all(conns.map((c) => c.end()));
    await ctx.sql`select pgmq.drop_queue(${queue})`;
  }
}

/** The measures of one round, by name; each returns a rate per second. */
function roundMeasures(ctx: BenchContext) {
  const { instances, receiptsPerImage: owners } = ctx.options;
  const total = owners * ctx.images.length;
  const lanes = instances * ctx.workerConfig.concurrency;
  return {
    http: {
      label: `HTTP: ${instances} concurrent ?wait=1 drains of the receipt-worker function`,
      async measure() {
        const ids = await ctx.fill(owners);
        const t = performance.now();
        await ctx.drainOverHttp(instances);
        return ctx.settledRate(ids, t);
      },
    },
    inProcess: {
      label: `in-process: ${instances} createReceiptWorker instances`,
      async measure() {
        const ids = await ctx.fill(owners);
        const workers = inProcessWorkers(ctx, instances);
        const t = performance.now();
        await workers.drain();
        const rate = await ctx.settledRate(ids, t);
        await workers.close();
        return rate;
      },
    },
    // The OCR stand-in alone: the same client calls at the same concurrency, no queue.
    endpoint: {
      label: 'endpoint',
      async measure() {
        const calls = Math.min(total, 400);
        const t = performance.now();
        await mapConcurrent(Array.from({ length: calls }, (_, i) => i), lanes, async (i) => {
          const image = ctx.images[i % ctx.images.length];
          fromAnalyzeExpense(await ctx.textract.analyzeExpense(image.bytes));
        });
        return calls / ((performance.now() - t) / 1000);
      },
    },
    // The database side alone: claim(10) + settle of canned `done` results, the same writes per
    // receipt (processing + result events, fields, artifact row, archive), no OCR, no parse.
    databaseOnly: {
      label: 'db-only',
      async measure() {
        const ids = await ctx.fill(owners);
        const pools = Array.from(
          { length: instances },
          () => createDb(ctx.env.SUPABASE_DB_URL, { max: 1 }),
        );
        const t = performance.now();
        await Promise.all(pools.map(async (pool) => {
          const q = postgresWorkerQueue(pool);
          while (true) {
            const batch = await q.claim(10, 120, 5);
            if (batch.length === 0) break;
            await q.settle(batch.map((r) => cannedOutcome(ctx, r)), 5);
          }
        }));
        const rate = await ctx.settledRate(ids, t);
        await Promise.all(pools.map((p) => p.end()));
        return rate;
      },
    },
    graphile: { label: 'graphile', measure: () => graphileJobsPerSecond(ctx) },
    pgmq: { label: 'pgmq', measure: () => bareMessagesPerSecond(ctx) },
  };
}

type MeasureName = keyof ReturnType<typeof roundMeasures>;

/** Where the time goes: one instrumented in-process run, the parser alone, and the worker loop
 * with blobs and Textract answered from memory (queue + parser + settle only). */
async function profile(ctx: BenchContext, responses: Map<string, AnalyzeExpenseResponse>) {
  const { instances, receiptsPerImage: owners } = ctx.options;
  const ids = await ctx.fill(Math.max(5, Math.round(owners / 2)));
  const timers = stepTimers();
  const instrumented = inProcessWorkers(ctx, instances, {}, timers.timed);
  const t = performance.now();
  await instrumented.drain();
  const wallMs = performance.now() - t;
  await instrumented.close();
  const steps = [...timers.totals.entries()].map(([k, v]) =>
    `${k} ${oneDecimal(v.ms / v.calls)} ms × ${v.calls}`
  );
  const parseStart = performance.now();
  for (const r of responses.values()) fromAnalyzeExpense(r);
  const parseMs = (performance.now() - parseStart) / responses.size;

  const memoryIds = await ctx.fill(Math.max(5, Math.round(owners / 2)));
  const bytesBySha = new Map(ctx.images.map((i) => [i.sha, i.bytes]));
  const shaOf = new Map(ctx.images.map((i) => [i.bytes, i.sha]));
  const inMemory = inProcessWorkers(ctx, instances, {
    blobs: {
      ...localFsBlobStore(ctx.storageDir),
      get: (p) =>
        Promise.resolve(
          bytesBySha.get(p.split('/').pop()!.replace(/\.jpg$/, '')) ?? new Uint8Array(),
        ),
      put: () => Promise.resolve(),
    },
    textract: {
      ...ctx.textract,
      analyzeExpense: (b: Uint8Array) => Promise.resolve(responses.get(shaOf.get(b)!)!),
    },
  });
  const t2 = performance.now();
  await inMemory.drain();
  const inMemoryRate = await ctx.settledRate(memoryIds, t2);
  await inMemory.close();
  return { receipts: ids.length, wallMs, steps, parseMs, inMemoryRate };
}

export async function run(ctx: BenchContext) {
  const { runs, instances, receiptsPerImage: owners } = ctx.options;
  console.log('\n(a) Worker throughput: pending → ocr_done|needs_review, replayed OCR');
  await recordSample(ctx);
  console.log(
    `  ${owners * ctx.images.length} receipts per run (${owners} owners × ${ctx.images.length} ` +
      `sample images), median of ${runs} rounds; OCR = the bench endpoint REPLAYING recordings ` +
      `of real OCR (still: SigV4, base64 image upload, Blocks + parser in the endpoint, parser in ` +
      `the worker).\n  Each round runs every measurement once, back to back, so the ratios ` +
      `compare figures taken under the same background load.`,
  );
  const responses = new Map<string, AnalyzeExpenseResponse>();
  try {
    // Warm-up (untimed): module loading, connections, JIT; keeps each image's response.
    const warm = await ctx.fill(2);
    await ctx.drainOverHttp(instances);
    const single = inProcessWorkers(ctx, 1);
    await single.drain();
    await single.close();
    ctx.log(`warm-up settled: ${JSON.stringify(await ctx.countSettled(warm))}`);
    for (const img of ctx.images) {
      responses.set(img.sha, await ctx.textract.analyzeExpense(img.bytes));
    }

    const measures = roundMeasures(ctx);
    const names = Object.keys(measures) as MeasureName[];
    const ratesPerRound = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<
      MeasureName,
      number[]
    >;
    for (let round = 1; round <= runs; round++) {
      const line: string[] = [];
      for (const name of names) {
        const rate = await measures[name].measure();
        ratesPerRound[name].push(rate);
        line.push(`${measures[name].label.split(':')[0]} ${oneDecimal(rate)}`);
      }
      ctx.log(`round ${round}/${runs}: ${line.join(', ')} /s (load ${await loadavg()})`);
    }
    // Ratios are taken per round (same background load), then the median.
    const ratio = (name: MeasureName, reference: MeasureName) =>
      median(ratesPerRound[name].map((v, i) => v / ratesPerRound[reference][i]));
    const where = await profile(ctx, responses);

    console.log('\n  results (median of rounds):');
    const graphileRate = median(ratesPerRound.graphile);
    for (const name of ['http', 'inProcess'] as const) {
      ctx.report(
        `(a) worker, ${measures[name].label}`,
        `${oneDecimal(median(ratesPerRound[name]))} receipts/s`,
        `replayed OCR; ${ratio(name, 'graphile').toFixed(3)}× graphile, ` +
          `${whole(ratio(name, 'endpoint') * 100)} % of the endpoint alone`,
      );
    }
    ctx.report(
      '(a) database side alone: claim + settle of canned results',
      `${whole(median(ratesPerRound.databaseOnly))} receipts/s`,
      `${instances} loops, batches of 10; ${
        ratio('databaseOnly', 'graphile').toFixed(2)
      }× graphile`,
    );
    ctx.report(
      '(a) graphile-worker 0.16 no-op jobs, defaults, concurrency 10',
      `${whole(graphileRate)} jobs/s`,
    );
    ctx.report(
      '(a) bare pgmq read(10)+archive, 10 connections',
      `${whole(median(ratesPerRound.pgmq))} messages/s`,
    );
    ctx.report(
      '(a) replay endpoint alone: Textract client + endpoint + parser, no queue',
      `${oneDecimal(median(ratesPerRound.endpoint))} calls/s`,
      `${instances * ctx.workerConfig.concurrency} concurrent calls (${instances} instances × ` +
        'worker concurrency)',
    );
    const best = Math.max(ratio('http', 'graphile'), ratio('inProcess', 'graphile'));
    ctx.report(
      '(a) ratio worker/graphile (goal ≥ 1.0×)',
      `${best.toFixed(3)}×`,
      best >= 1 ? 'meets goal' : 'misses goal',
    );
    ctx.report(
      '(a) worker loop with blobs + Textract in memory (queue, parser, settle only)',
      `${oneDecimal(where.inMemoryRate)} receipts/s`,
      `in-process, ${instances} instances, one run; ` +
        `${(where.inMemoryRate / graphileRate).toFixed(2)}× graphile median`,
    );
    console.log(
      `\n  profile (in-process, ${where.receipts} receipts, ` +
        `${oneDecimal(where.receipts / (where.wallMs / 1000))} receipts/s; mean wall time per ` +
        `call, calls overlap):\n    ${where.steps.join('\n    ')}` +
        `\n    parser alone (fromAnalyzeExpense, worker side) ${
          oneDecimal(where.parseMs)
        } ms per receipt`,
    );
  } finally {
    await setKick(ctx.sql, true);
  }
}
