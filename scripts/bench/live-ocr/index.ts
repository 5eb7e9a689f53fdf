// Live OCR: receipts per minute through upload → trigger kick → worker → OCR, against the bare
// engine running 2 in parallel over the same images (the 2-core ceiling).
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256Hex } from '../../../supabase/functions/_shared/crypto/sha256.ts';
import { mapConcurrent } from '../../../supabase/functions/_shared/queue/drain.ts';
import type { BenchContext } from '../context.ts';
import { uniqueJpeg } from '../support.ts';

export async function run(ctx: BenchContext) {
  const subset = ctx.images.slice(0, ctx.options.ocrImages);
  console.log(
    `\n(c) Live OCR (${ctx.engine}): ${subset.length} receipts through upload → trigger kick → ` +
      'worker → OCR, vs the bare engine 2 in parallel',
  );
  const [user] = await ctx.createUsers(1);
  const token = await ctx.token(user.id);
  await ctx.bareOcr(subset[0].bytes); // warm the bench process's engines
  // The ceiling is measured before and after the pipeline run and averaged, so drift in the
  // machine's other load lands on both sides alike.
  const bareSeconds = async () => {
    const t = performance.now();
    await mapConcurrent(subset, 2, (img) => ctx.bareOcr(img.bytes));
    return (performance.now() - t) / 1000;
  };
  const bareBefore = await bareSeconds();

  const unique = subset.map((img) => uniqueJpeg(img.bytes));
  try {
    const t = performance.now();
    const ids = await mapConcurrent(unique, 4, async (b) => (await ctx.upload(token, b)).body.id);
    await ctx.waitSettled(ids, 100);
    const pipelineSeconds = (performance.now() - t) / 1000;
    const bareAfter = await bareSeconds();
    const bareMean = (bareBefore + bareAfter) / 2;
    const ceilingPerMinute = (subset.length / bareMean) * 60;
    ctx.log(
      `bare 2-parallel runs: ${bareBefore.toFixed(1)} s before, ${bareAfter.toFixed(1)} s after ` +
        'the pipeline run',
    );
    const pipelinePerMinute = (ids.length / pipelineSeconds) * 60;
    ctx.log(`live OCR outcomes: ${JSON.stringify(await ctx.countSettled(ids))}`);
    ctx.report(
      '(c) 2-core OCR ceiling (bare engine, 2 in parallel)',
      `${ceilingPerMinute.toFixed(1)} receipts/min`,
      `${subset.length} images in ${bareMean.toFixed(1)} s, mean of before/after`,
    );
    ctx.report(
      '(c) pipeline with live OCR',
      `${pipelinePerMinute.toFixed(1)} receipts/min`,
      `${pipelineSeconds.toFixed(1)} s; ` +
        `${Math.round((pipelinePerMinute / ceilingPerMinute) * 100)} % of ceiling (goal ≥ 90 %)`,
    );
  } finally {
    const cached = (b: Uint8Array) => join(ctx.cacheDir, `${sha256Hex(b)}.${ctx.engine}.json`);
    await Promise.all(unique.map((b) => rm(cached(b), { force: true })));
  }
}
