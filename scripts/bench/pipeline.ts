// Usage: npm run bench:pipeline [-- --only worker-throughput,upload-rate,live-ocr,latency]
//          [--receipts-per-image 50] [--runs 3] [--instances 4] [--ocr-images 16]
//          [--latency-images 8] [--graphile-jobs 10000] [--reuse] [--dir DIR]
//
// Figures for the receipt pipeline (issue 4, "Benchmark"); prints them, never passes or fails.
// Each benchmark is a folder here with a `run(ctx)` entry; this file only parses arguments, makes
// the context (the bench stack, started here or reset: a fresh database each run unless --reuse)
// and prints the named measures. The first run records real OCR of the sample once (~2 min).
// `--only` also takes the old letters a,b,c,d.
import { parseArgs } from 'node:util';
import { createBenchContext } from './context.ts';
import { run as latency } from './latency/index.ts';
import { run as liveOcr } from './live-ocr/index.ts';
import { loadavg } from './support.ts';
import { run as uploadRate } from './upload-rate/index.ts';
import { run as workerThroughput } from './worker-throughput/index.ts';

const BENCHMARKS = {
  'worker-throughput': workerThroughput,
  'upload-rate': uploadRate,
  'live-ocr': liveOcr,
  latency,
};
const LETTERS: Record<string, keyof typeof BENCHMARKS> = {
  a: 'worker-throughput',
  b: 'upload-rate',
  c: 'live-ocr',
  d: 'latency',
};

async function main() {
  const { values } = parseArgs({
    args: Deno.args.filter((a) => a !== '--'),
    options: {
      only: { type: 'string', default: Object.keys(BENCHMARKS).join(',') },
      'receipts-per-image': { type: 'string', default: '50' },
      runs: { type: 'string', default: '3' },
      instances: { type: 'string', default: '4' },
      'ocr-images': { type: 'string', default: '16' },
      'latency-images': { type: 'string', default: '8' },
      'graphile-jobs': { type: 'string', default: '10000' },
      dir: { type: 'string' },
      reuse: { type: 'boolean', default: false },
    },
  });
  const selected = values.only.split(',').map((s) => s.trim()).filter(Boolean)
    .map((s) => LETTERS[s] ?? s);
  for (const name of selected) {
    if (!(name in BENCHMARKS)) {
      throw new Error(`unknown benchmark ${name}: ${Object.keys(BENCHMARKS).join(', ')}`);
    }
  }
  const ctx = await createBenchContext({
    receiptsPerImage: Number(values['receipts-per-image']),
    runs: Number(values.runs),
    instances: Number(values.instances),
    ocrImages: Number(values['ocr-images']),
    latencyImages: Number(values['latency-images']),
    graphileJobs: Number(values['graphile-jobs']),
    dir: values.dir,
    reuse: values.reuse,
  });
  const started = performance.now();
  console.log(
    `bench:pipeline — bench stack ${ctx.env.SUPABASE_URL}, ${ctx.images.length} sample images, ` +
      `engine ${ctx.engine}, ${navigator.hardwareConcurrency} cores, load average at start ` +
      `${await loadavg()}`,
  );
  try {
    for (const name of Object.keys(BENCHMARKS) as (keyof typeof BENCHMARKS)[]) {
      if (selected.includes(name)) await BENCHMARKS[name](ctx);
    }
  } finally {
    await ctx.close();
  }
  console.log('\nSummary');
  const nameWidth = Math.max(...ctx.measures.map((m) => m.name.length));
  const valueWidth = Math.max(...ctx.measures.map((m) => m.value.length));
  for (const m of ctx.measures) {
    console.log(`  ${m.name.padEnd(nameWidth)}  ${m.value.padStart(valueWidth)}  ${m.note}`);
  }
  console.log(
    `\n(total ${((performance.now() - started) / 1000).toFixed(1)} s; the bench stack keeps ` +
      'running: bash scripts/stack.sh stop --profile bench)',
  );
}

if (import.meta.main) {
  await main();
  Deno.exit(0);
}
