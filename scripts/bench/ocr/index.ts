// Usage: npm run bench:ocr [-- --limit N] [--engine tesseract|paddle|combined] [--dir DIR]
//          [--tesseract-models fast,best] [--before-models fast]
//
// Seconds per receipt over the sample receipts (../shared/data/receipts/sample, or --dir /
// TALLYQ_RECEIPTS_DIR), side by side for
//   bare      the OCR engine alone: recognize(image)
//   endpoint  the worker's path: Textract client (SigV4, JSON 1.1) → local endpoint (verify,
//             OCR, Blocks, parser → ExpenseDocument) → fromAnalyzeExpense
// run one receipt at a time (order alternated per receipt), then the throughput of each path
// with 2 receipts in parallel. "diff" compares the two runs (noisy when the machine is busy);
// "non-OCR" is the endpoint request's time outside its own OCR call, measured within the same
// request, so it holds even under load; so does cpu_s_per_receipt, the endpoint path's CPU time
// (this process, tesseract, the Paddle sidecars). The endpoint runs in this process on a free
// port, in `ocr` mode (never replay). Goal: endpoint overhead ≤ 10 % over bare.
//
// Before/after (issue 13's budget: OCR + parse CPU per receipt at most 1.25× main's): every
// receipt also goes through a second endpoint with main's tesseract readings (`--before-models`,
// default `fast`: before issue 13), after the first, and the CPU seconds per receipt of both are
// printed with their ratio. Both run this tree's parser (its CPU is milliseconds; bench:parser).

import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createTextractClient } from '../../../supabase/functions/_shared/textract/client.ts';
import { fromAnalyzeExpense } from '../../../supabase/functions/_shared/receipts/parser/parse.ts';
import type { OcrEngineName } from '../../../supabase/functions/_shared/receipts/parser/ocr-types.ts';
import { closeEngines, recognize } from '../../../supabase/local/textract/ocr/engine.ts';
import { cpuSeconds } from '../../lib/cpu-time.ts';
import {
  defaultTesseractModels,
  parseTesseractModels,
  type TesseractModel,
} from '../../../supabase/local/textract/ocr/tessdata.ts';
import {
  defaultWiring,
  LOCAL_DEFAULT_CREDENTIALS,
  startLocalTextract,
} from '../../../supabase/local/textract/server.ts';

/** The benchmark; `ctx.args` are its command-line flags. Nothing runs at import. */
export async function run(ctx: { args: string[] }) {
  const { values } = parseArgs({
    args: ctx.args.filter((a) => a !== '--'),
    options: {
      limit: { type: 'string' },
      engine: { type: 'string' },
      dir: { type: 'string' },
      parallel: { type: 'string', default: '2' },
      'tesseract-models': { type: 'string' },
      'before-models': { type: 'string', default: 'fast' },
    },
  });
  const env = Deno.env.toObject();
  const engine = (values.engine ?? env.TALLYQ_OCR_ENGINE ?? 'combined') as OcrEngineName;
  if (!['tesseract', 'paddle', 'combined'].includes(engine)) {
    throw new Error(`--engine must be tesseract, paddle or combined; got ${engine}`);
  }
  const dir = values.dir ?? env.TALLYQ_RECEIPTS_DIR ??
    fileURLToPath(new URL('../../../../shared/data/receipts/sample', import.meta.url));
  const parallel = Math.max(1, Number(values.parallel) || 2);
  const models = values['tesseract-models']
    ? parseTesseractModels(values['tesseract-models'])
    : defaultTesseractModels();
  const beforeModels = parseTesseractModels(values['before-models']);

  const names = (await readdir(dir)).filter((f) => /\.(jpe?g|png)$/i.test(f)).sort();
  const limit = values.limit ? Math.max(1, Number(values.limit)) : names.length;
  const files = names.slice(0, limit);
  if (files.length === 0) {
    throw new Error(`No receipt images in ${dir}`);
  }
  const images = await Promise.all(
    files.map(async (f) => new Uint8Array(await readFile(join(dir, f)))),
  );

  // The endpoint's OCR is timed from inside, so its own overhead (HTTP, SigV4, base64, Blocks,
  // parser) is measured within the same request — robust to other load on the machine.
  let innerOcrSeconds = 0;
  const wiring = defaultWiring();
  const endpoint = async (tesseractModels: TesseractModel[]) => {
    const server = await startLocalTextract({
      port: 0,
      engine,
      mode: 'ocr',
      log: () => {},
      analyzePage: wiring.analyzePage,
      recognize: async (img, o) => {
        const t = performance.now();
        try {
          return await recognize(img, { engine: o.engine, tesseractModels });
        } finally {
          innerOcrSeconds += (performance.now() - t) / 1000;
        }
      },
    }, {
      ...env,
      TEXTRACT_MODE: 'ocr',
      TEXTRACT_FAULTS: '',
    });
    const client = createTextractClient({
      region: 'us-east-1',
      endpoint: server.url,
      accessKeyId: LOCAL_DEFAULT_CREDENTIALS.accessKeyId,
      secretAccessKey: LOCAL_DEFAULT_CREDENTIALS.secretAccessKey,
      timeoutMs: 600_000,
      maxAttempts: 1,
      retryBaseMs: 0,
      retryMaxMs: 0,
    });
    return { server, client };
  };
  const { server, client } = await endpoint(models);
  const before = await endpoint(beforeModels);

  const bare = async (img: Uint8Array) => {
    await recognize(img, { engine, tesseractModels: models });
  };
  const viaEndpoint = async (img: Uint8Array) => {
    fromAnalyzeExpense(await client.analyzeExpense(img));
  };
  const viaBefore = async (img: Uint8Array) => {
    fromAnalyzeExpense(await before.client.analyzeExpense(img));
  };
  const timed = async (fn: () => Promise<void>) => {
    const t = performance.now();
    await fn();
    return (performance.now() - t) / 1000;
  };
  const fmt = (s: number) => s.toFixed(3).padStart(8);
  const pct = (a: number, b: number) => `${(((b - a) / a) * 100).toFixed(1)}%`.padStart(8);

  try {
    console.error(
      `bench:ocr engine=${engine} tesseract_models=${
        models.join(',')
      } receipts=${files.length} dir=${dir}`,
    );
    // Warm-up: start the OCR sidecars and load their models outside the measurements.
    await bare(images[0]);
    await viaEndpoint(images[0]);
    await viaBefore(images[0]);

    console.log(`engine=${engine} receipts=${files.length} (seconds per receipt, one at a time)`);
    console.log(
      `${'receipt'.padEnd(22)}${'bare'.padStart(8)}${'endpoint'.padStart(10)}` +
        `${'diff'.padStart(10)}${'non-OCR'.padStart(10)}`,
    );
    let sumBare = 0;
    let sumEndpoint = 0;
    let sumInner = 0;
    let cpuEndpoint = 0;
    let cpuBefore = 0;
    const cpuRows: string[] = [];
    for (let i = 0; i < images.length; i++) {
      let b: number, e: number;
      // CPU seconds of the endpoint path (OCR processes included), robust to a loaded machine.
      const cpuOf = async (fn: () => Promise<void>) => {
        const c0 = cpuSeconds();
        await fn();
        return cpuSeconds() - c0;
      };
      let cpuNow = 0;
      const endpointTimed = async () => {
        innerOcrSeconds = 0;
        const t0 = performance.now();
        cpuNow = await cpuOf(() => viaEndpoint(images[i]));
        return (performance.now() - t0) / 1000;
      };
      let inner = 0;
      if (i % 2 === 0) {
        b = await timed(() => bare(images[i]));
        e = await endpointTimed();
        inner = innerOcrSeconds;
      } else {
        e = await endpointTimed();
        inner = innerOcrSeconds;
        b = await timed(() => bare(images[i]));
      }
      // main's config, before or after this one by turns
      const cpuMain = await cpuOf(() => viaBefore(images[i]));
      cpuEndpoint += cpuNow;
      cpuBefore += cpuMain;
      cpuRows.push(
        `${files[i].padEnd(22)}${fmt(cpuMain)}  ${fmt(cpuNow)}  ${(cpuNow / cpuMain).toFixed(2)}x`,
      );
      innerOcrSeconds = inner;
      sumBare += b;
      sumEndpoint += e;
      sumInner += innerOcrSeconds;
      console.log(
        `${files[i].padEnd(22)}${fmt(b)}  ${fmt(e)}  ${pct(b, e)}  ${pct(innerOcrSeconds, e)}`,
      );
    }
    const n = images.length;
    console.log(
      `${'mean'.padEnd(22)}${fmt(sumBare / n)}  ${fmt(sumEndpoint / n)}  ` +
        `${pct(sumBare, sumEndpoint)}  ${pct(sumInner, sumEndpoint)}`,
    );
    console.log(
      `cpu_s_per_receipt=${(cpuEndpoint / n).toFixed(3)} (endpoint path: OCR processes, HTTP, ` +
        'SigV4, Blocks, parser; CPU time, not wall)',
    );
    console.log(
      `\nCPU seconds per receipt, endpoint path: before = tesseract ${beforeModels.join('+')} ` +
        `(main), after = tesseract ${models.join('+')}`,
    );
    console.log(`${'receipt'.padEnd(22)}${'before'.padStart(8)}  ${'after'.padStart(8)}  ratio`);
    for (const r of cpuRows) console.log(r);
    console.log(
      `cpu_s_per_receipt before=${(cpuBefore / n).toFixed(3)} after=${
        (cpuEndpoint / n).toFixed(3)
      } ratio=${(cpuEndpoint / cpuBefore).toFixed(3)} (budget ≤ 1.25)\n`,
    );
    console.log(
      'non-OCR time per request (client + HTTP + SigV4 + Blocks + parser): ' +
        `${(((sumEndpoint - sumInner) / n) * 1000).toFixed(1)} ms`,
    );

    const pool = async (fn: (img: Uint8Array) => Promise<void>) => {
      let next = 0;
      const t = performance.now();
      await Promise.all(
        Array.from({ length: parallel }, async () => {
          while (next < images.length) await fn(images[next++]);
        }),
      );
      return (performance.now() - t) / 1000 / n;
    };
    const pBare = await pool(bare);
    const pEndpoint = await pool(viaEndpoint);
    console.log(`\n${parallel} in parallel (wall seconds per receipt)`);
    console.log(
      `${'bare'.padEnd(22)}${fmt(pBare)}   speed-up ${(sumBare / n / pBare).toFixed(2)}x`,
    );
    console.log(
      `${'endpoint'.padEnd(22)}${fmt(pEndpoint)}   speed-up ${
        (sumEndpoint / n / pEndpoint).toFixed(2)
      }x` +
        `   overhead ${pct(pBare, pEndpoint).trim()}`,
    );
    const overhead = (sumEndpoint - sumBare) / sumBare;
    console.log(
      `\noverhead vs bare: one-at-a-time ${(overhead * 100).toFixed(1)}%, ` +
        `${parallel}-parallel ${(((pEndpoint - pBare) / pBare) * 100).toFixed(1)}%; ` +
        `endpoint's own share ${(((sumEndpoint - sumInner) / sumInner) * 100).toFixed(1)}% ` +
        `(goal ≤ 10%)`,
    );
  } finally {
    await server.close();
    await before.server.close();
    closeEngines();
  }
}

if (import.meta.main) {
  await run({ args: Deno.args });
  Deno.exit(0);
}
