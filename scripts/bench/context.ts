// The context every pipeline benchmark runs in (`run(ctx)`): the bench stack (profile `bench`,
// its own ports and .tallyq/bench/, so `npm test` and the dev stack are never disturbed), the
// sample images, a Textract client, named measures, and the HTTP and SQL steps they share.
// Nothing happens at import: createBenchContext starts (or resets) the stack.
import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { loadReceiptWorkerConfig } from '../../supabase/functions/_shared/receipts/worker/config.ts';
import type { OcrEngineName } from '../../supabase/functions/_shared/receipts/parser/ocr-types.ts';
import { redisFromEnv } from '../../supabase/functions/_shared/redis/connect.ts';
import {
  createTextractClient,
  loadTextractConfig,
  type TextractClient,
} from '../../supabase/functions/_shared/textract/client.ts';
import {
  createTextractGovernor,
  loadGovernorConfig,
} from '../../supabase/functions/_shared/textract/governor.ts';
import { closeEngines, recognize } from '../../supabase/local/textract/ocr/engine.ts';
import {
  createUsers,
  mintUserJwt,
  type Owner,
  readStackEnv,
  type StackEnv,
} from '../../tests/support/users.ts';
import { type Image, setKick, sleep, stageImages, storeReceipts } from './support.ts';

export type BenchOptions = {
  /** Owners per run in the throughput benchmark: each stores every sample image once. */
  receiptsPerImage: number;
  runs: number;
  /** Concurrent worker instances (HTTP drains or in-process workers). */
  instances: number;
  ocrImages: number;
  latencyImages: number;
  graphileJobs: number;
  /** Sample folder (default ../shared/data/receipts/sample). */
  dir?: string;
  /** Keep the bench database instead of resetting it. */
  reuse: boolean;
};

export type Measure = { name: string; value: string; note: string };

export const SETTLED = ['ocr_done', 'needs_review', 'failed'];

export type BenchContext = Awaited<ReturnType<typeof createBenchContext>>;

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Runs a command in the repository; resolves with its stdout. */
export function runCommand(cmd: string, args: string[], opts: { quiet?: boolean } = {}) {
  return new Promise<string>((resolve, reject) => {
    const p = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => {
      err += d;
      if (!opts.quiet) Deno.stderr.writeSync(new Uint8Array(d));
    });
    p.on(
      'close',
      (code) =>
        code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(' ')}: ${code}\n${err}`)),
    );
  });
}

export async function createBenchContext(options: BenchOptions) {
  const log = (msg: string) => console.error(`[bench] ${msg}`);
  // A fresh database per run (current migrations, an empty receipts table: its size changes what
  // is measured); recorded OCR and the graphile-worker database survive. --reuse keeps the data.
  const stackCommand = options.reuse ? 'start' : 'reset';
  log(`bench stack: scripts/stack.sh ${stackCommand} --profile bench`);
  await runCommand('bash', ['scripts/stack.sh', stackCommand, '--profile', 'bench'], {
    quiet: true,
  });
  const env: StackEnv = await readStackEnv(join(ROOT, '.tallyq/bench/stack.env'));
  const sql = postgres(env.SUPABASE_DB_URL, { max: 10, onnotice: () => {} });
  const stateDir = join(ROOT, '.tallyq/bench');
  const storageDir = env.LOCAL_STORAGE_DIR;
  const engine = (env.TALLYQ_OCR_ENGINE || 'combined') as OcrEngineName;

  const sampleDir = options.dir ?? Deno.env.get('TALLYQ_RECEIPTS_DIR') ??
    fileURLToPath(new URL('../../../shared/data/receipts/sample', import.meta.url));
  const names = (await readdir(sampleDir)).filter((f) => /\.jpe?g$/i.test(f)).sort();
  const images: Image[] = await stageImages(
    join(stateDir, 'bench-src'),
    await Promise.all(names.map(async (name) => ({
      name,
      bytes: new Uint8Array(await readFile(join(sampleDir, name))),
    }))),
  );

  const textractConfig = loadTextractConfig(env);
  const redis = redisFromEnv(env, 'bench');
  const textract: TextractClient = createTextractClient(textractConfig, {
    governor: redis
      ? createTextractGovernor(redis, {
        region: textractConfig.region,
        limits: loadGovernorConfig(env),
      })
      : undefined,
  });

  // Start from a quiet queue: the bench database only ever holds bench data.
  await setKick(sql, true);
  await sql`select pgmq.purge_queue('receipt_ocr')`;

  const measures: Measure[] = [];

  async function countSettled(ids: string[]) {
    const rows = await sql`select status::text as status, count(*)::int as n from public.receipts
      where id = any(${sql.array(ids)}::uuid[]) group by 1`;
    return Object.fromEntries(rows.map((r) => [r.status, r.n])) as Record<string, number>;
  }

  return {
    options,
    env,
    sql,
    images,
    textract,
    engine,
    stateDir,
    storageDir,
    cacheDir: env.TEXTRACT_CACHE_DIR,
    workerConfig: loadReceiptWorkerConfig(env),
    log,
    measures,
    /** Records a named figure (printed now and in the closing summary). */
    report(name: string, value: string, note = '') {
      measures.push({ name, value, note });
      console.log(`  ${name}: ${value}${note ? `   (${note})` : ''}`);
    },
    countSettled,
    /** Receipts done per second since t; warns when some did not reach ocr_done|needs_review. */
    async settledRate(ids: string[], t: number): Promise<number> {
      const seconds = (performance.now() - t) / 1000;
      const counts = await countSettled(ids);
      const done = (counts.ocr_done ?? 0) + (counts.needs_review ?? 0);
      if (done !== ids.length) log(`only ${done}/${ids.length} done: ${JSON.stringify(counts)}`);
      return done / seconds;
    },
    /** `n` concurrent `?wait=1` drains of the receipt-worker function. */
    drainOverHttp(n: number) {
      return Promise.all(Array.from({ length: n }, async () => {
        const res = await fetch(`${env.FUNCTIONS_URL}/receipt-worker?wait=1`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${env.WORKER_SECRET}` },
        });
        if (res.status !== 200) {
          throw new Error(`worker answered ${res.status}: ${await res.text()}`);
        }
        return await res.json();
      }));
    },
    /** Stores owners × images pending receipts with the kick parked; returns their ids. */
    async fill(owners: number): Promise<string[]> {
      await setKick(sql, false);
      const users = await createUsers(sql, owners, 'bench');
      return await storeReceipts(sql, storageDir, users, images);
    },
    createUsers: (count: number): Promise<Owner[]> => createUsers(sql, count, 'bench'),
    token: (userId: string) =>
      mintUserJwt({
        SUPABASE_URL: env.SUPABASE_URL,
        JWT_SECRET: env.JWT_SECRET,
        AUTH_SIGNING_KEY_PATH: env.AUTH_SIGNING_KEY_PATH,
      }, userId),
    async upload(jwt: string, bytes: Uint8Array, name = 'receipt.jpg') {
      const body = new FormData();
      body.set('file', new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'image/jpeg' }), name);
      const res = await fetch(`${env.FUNCTIONS_URL}/receipts`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${jwt}` },
        body,
      });
      return { status: res.status, body: await res.json() as { id: string; status: string } };
    },
    /** Seconds the bare OCR engine takes for one image in this process. */
    async bareOcr(image: Uint8Array): Promise<number> {
      const t = performance.now();
      await recognize(image, { engine });
      return (performance.now() - t) / 1000;
    },
    async waitSettled(ids: string[], intervalMs: number, timeoutMs = 600_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const [{ n }] = await sql`select count(*)::int as n from public.receipts
          where id = any(${sql.array(ids)}::uuid[]) and status::text = any(${sql.array(SETTLED)})`;
        if (n === ids.length) return;
        await sleep(intervalMs);
      }
      throw new Error('receipts did not settle in time');
    },
    async close() {
      await setKick(sql, true).catch(() => {});
      closeEngines();
      await sql.end();
    },
  };
}
