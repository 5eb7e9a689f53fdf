// Usage: npm run bench:staging [-- --rounds 20]
//   (= deno run -A scripts/bench/staging/index.ts …)
// What S3 staging adds to starting a Textract async job, side by side with the alternative that
// only the local endpoint accepts (the document inline as Bytes), in the same run:
//   bytes    StartExpenseAnalysis with DocumentLocation.Bytes (base64 in the request)
//   staged   PUT to the staging bucket + StartExpenseAnalysis on the S3Object (the endpoint HEADs
//            and GETs it, as Textract does) + the cleanup DELETE after the job
// for PDFs of 0.2, 2 and 10 MB. Starts its own S3 server (s3rver behind the SigV4 gate) and local
// Textract endpoint on free ports, with OCR stubbed out: the figures are transfer and signing,
// not recognition. Bounded in count; talks to 127.0.0.1 only.

import { parseArgs } from 'node:util';
import { createTextractClient } from '../../../supabase/functions/_shared/textract/client.ts';
import { s3DocumentStaging } from '../../../supabase/functions/_shared/textract/staging.ts';
import { startLocalS3 } from '../../../supabase/local/s3/server.ts';
import { startLocalTextract } from '../../../supabase/local/textract/server.ts';

const credentials = {
  accessKeyId: 'AKIABENCHSTAGING0001',
  secretAccessKey: 'bench-staging-secret',
};

/** A PDF-shaped document of about `bytes` bytes (Start only sniffs the header). */
function pdfOf(bytes: number): Uint8Array {
  const doc = new Uint8Array(bytes);
  doc.set(new TextEncoder().encode('%PDF-1.4\n'));
  return doc;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** The benchmark; `ctx.args` are its command-line flags. Nothing runs at import. */
export async function run(ctx: { args: string[] }) {
  const { values } = parseArgs({
    args: ctx.args.filter((a) => a !== '--'),
    options: { rounds: { type: 'string', default: '20' } },
  });
  const rounds = Number(values.rounds);
  if (!Number.isInteger(rounds) || rounds < 1) {
    throw new Error('--rounds must be a positive integer');
  }

  const dir = await Deno.makeTempDir({ prefix: 'tallyq-bench-s3-' });
  const s3 = await startLocalS3({
    port: 0,
    directory: dir,
    buckets: ['tallyq-textract-staging'],
    credentials: new Map([[credentials.accessKeyId, credentials.secretAccessKey]]),
  });
  const textract = await startLocalTextract({
    port: 0,
    credentials: new Map([[credentials.accessKeyId, credentials.secretAccessKey]]),
    // Jobs never finish OCR here: only the Start request is measured.
    recognize: () => new Promise(() => {}),
    analyzePage: () => ({}),
    s3: { endpoint: s3.url, region: 'us-east-1' },
    log: () => {},
  }, {});
  const client = createTextractClient({
    region: 'us-east-1',
    endpoint: textract.url,
    ...credentials,
    timeoutMs: 60_000,
    maxAttempts: 1,
    retryBaseMs: 0,
    retryMaxMs: 0,
  });
  const staging = s3DocumentStaging({
    endpoint: s3.url,
    region: 'us-east-1',
    bucket: 'tallyq-textract-staging',
    prefix: 'textract-staging/',
    ...credentials,
  });

  console.log(`Start of a Textract async job, ${rounds} rounds per size (ms, p50 / p95)`);
  console.log('size_mb  bytes_p50  bytes_p95  staged_p50  staged_p95  put_p50  delete_p50');
  try {
    for (const mb of [0.2, 2, 10]) {
      const doc = pdfOf(Math.round(mb * 1024 * 1024));
      const inline: number[] = [];
      const staged: number[] = [];
      const puts: number[] = [];
      const deletes: number[] = [];
      for (let i = 0; i < rounds; i++) {
        let t = performance.now();
        await client.startExpenseAnalysis({ bytes: doc });
        inline.push(performance.now() - t);

        const ref = {
          organisationId: 'bench',
          receiptId: crypto.randomUUID(),
          contentType: 'application/pdf',
        };
        t = performance.now();
        const s3Object = await staging.stage(ref, doc);
        puts.push(performance.now() - t);
        await client.startExpenseAnalysis({ s3Object });
        staged.push(performance.now() - t);
        t = performance.now();
        await staging.remove(ref);
        deletes.push(performance.now() - t);
      }
      const row = [inline, staged, puts, deletes].map((xs) => xs.sort((a, b) => a - b));
      console.log(
        [
          mb.toFixed(1).padStart(7),
          percentile(row[0], 50).toFixed(1).padStart(9),
          percentile(row[0], 95).toFixed(1).padStart(9),
          percentile(row[1], 50).toFixed(1).padStart(10),
          percentile(row[1], 95).toFixed(1).padStart(10),
          percentile(row[2], 50).toFixed(1).padStart(7),
          percentile(row[3], 50).toFixed(1).padStart(10),
        ].join('  '),
      );
    }
  } finally {
    await s3.close();
    await Deno.remove(dir, { recursive: true });
  }
}

if (import.meta.main) {
  await run({ args: Deno.args });
  // The stubbed jobs never finish: leave without waiting for them.
  Deno.exit(0);
}
