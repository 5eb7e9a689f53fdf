// Uploads per second over HTTP (POST /functions/v1/receipts, ~200 KB JPEGs with unique bytes
// each) with 4 and 8 concurrent clients.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { mapConcurrent } from '../../../supabase/functions/_shared/queue/drain.ts';
import { type BenchContext, runCommand } from '../context.ts';
import { median, setKick, uniqueJpeg } from '../support.ts';

const UPLOADS_PER_RUN = 200;

export async function run(ctx: BenchContext) {
  console.log('\n(b) Upload rate over HTTP: POST /functions/v1/receipts, ~200 KB JPEGs');
  const small = join(ctx.stateDir, 'bench-200k.jpg');
  await runCommand('convert', [ctx.images[0].src, '-define', 'jpeg:extent=200kb', small]);
  const base = new Uint8Array(await readFile(small));
  const users = await ctx.createUsers(16);
  const tokens = await Promise.all(users.map((u) => ctx.token(u.id)));
  await setKick(ctx.sql, false);
  try {
    await ctx.upload(tokens[0], uniqueJpeg(base)); // warm-up
    for (const clients of [4, 8]) {
      const uploadsPerSecond: number[] = [];
      for (let r = 0; r < ctx.options.runs; r++) {
        let created = 0;
        let failed = 0;
        const t = performance.now();
        const slots = Array.from({ length: UPLOADS_PER_RUN }, (_, i) => i);
        await mapConcurrent(slots, clients, async (i) => {
          const res = await ctx.upload(tokens[i % tokens.length], uniqueJpeg(base));
          if (res.status === 201) created++;
          else failed++;
        });
        if (failed) ctx.log(`${failed} uploads failed`);
        uploadsPerSecond.push(created / ((performance.now() - t) / 1000));
      }
      ctx.report(
        `(b) uploads, ${clients} concurrent clients`,
        `${median(uploadsPerSecond).toFixed(1)} uploads/s`,
        `${(base.byteLength / 1024).toFixed(0)} KB each, ${UPLOADS_PER_RUN} per run, ` +
          `median of ${ctx.options.runs}`,
      );
    }
  } finally {
    // These receipts are never processed (unique bytes would each cost real OCR).
    await ctx.sql`select pgmq.purge_queue('receipt_ocr')`;
    await setKick(ctx.sql, true);
  }
}
