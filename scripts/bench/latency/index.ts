// Upload → settled latency for single receipts (one at a time, polling GET /receipts/<id> every
// 50 ms), against the bare OCR time of the same image.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256Hex } from '../../../supabase/functions/_shared/crypto/sha256.ts';
import { type BenchContext, SETTLED } from '../context.ts';
import { median, percentile, sleep, uniqueJpeg } from '../support.ts';

export async function run(ctx: BenchContext) {
  const subset = ctx.images.slice(-ctx.options.latencyImages);
  console.log(
    `\n(d) Upload → ocr_done latency, single receipts (${subset.length} images, one at a time; ` +
      'poll GET /receipts/<id> every 50 ms)',
  );
  const [user] = await ctx.createUsers(1);
  const token = await ctx.token(user.id);
  await ctx.bareOcr(subset[0].bytes);
  const latencies: number[] = [];
  const ocrTimes: number[] = [];
  const overheads: number[] = [];
  const unique: Uint8Array[] = [];
  try {
    for (const img of subset) {
      const bytes = uniqueJpeg(img.bytes);
      unique.push(bytes);
      const t = performance.now();
      const { body } = await ctx.upload(token, bytes);
      while (true) {
        const res = await fetch(`${ctx.env.FUNCTIONS_URL}/receipts/${body.id}`, {
          headers: { Authorization: `Bearer ${token}` },
        });
        const receipt = await res.json() as { status: string };
        if (SETTLED.includes(receipt.status)) break;
        await sleep(50);
      }
      const latency = (performance.now() - t) / 1000;
      // bare OCR of the same image right after, in this process (its engines are warm)
      const ocr = await ctx.bareOcr(img.bytes);
      latencies.push(latency);
      ocrTimes.push(ocr);
      overheads.push(latency - ocr);
      ctx.log(`${img.name}: latency ${latency.toFixed(2)} s, bare OCR ${ocr.toFixed(2)} s`);
    }
  } finally {
    const cached = (b: Uint8Array) => join(ctx.cacheDir, `${sha256Hex(b)}.${ctx.engine}.json`);
    await Promise.all(unique.map((b) => rm(cached(b), { force: true })));
  }
  const p50 = median(latencies);
  const ocrP50 = median(ocrTimes);
  ctx.report(
    '(d) upload → settled latency p50 / p95',
    `${p50.toFixed(2)} s / ${percentile(latencies, 95).toFixed(2)} s`,
    `bare OCR p50 ${ocrP50.toFixed(2)} s`,
  );
  ctx.report(
    '(d) latency − OCR time per receipt, p50 (goal ≤ 0.30 s)',
    `${median(overheads).toFixed(2)} s`,
    `p50 latency ${p50 <= ocrP50 + 0.3 ? 'meets' : 'misses'} goal (≤ OCR p50 + 0.3 s)`,
  );
}
