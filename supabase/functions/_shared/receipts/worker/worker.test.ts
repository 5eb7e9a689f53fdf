import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localFsBlobStore } from '../../storage/local-fs.ts';
import { TextractError } from '../../textract/errors.ts';
import type { AnalyzeExpenseResponse, GetExpenseAnalysisResponse } from '../../textract/types.ts';
import { SYNC_MAX_BYTES } from '../../textract/limits.ts';
import type { DocumentStaging, StagingRef } from '../../textract/staging.ts';
import {
  type ClaimedReceipt,
  createReceiptWorker,
  needsReview,
  revisitAfterMs,
  type SettledOutcome,
  storeArtifact,
  textractRequestToken,
  type WorkerConfig,
  type WorkerDeps,
} from './worker.ts';
import { sha256Hex } from '../../crypto/sha256.ts';
import type { ParsedReceipt } from '../parser/parse.ts';

const config: WorkerConfig = {
  processorVersion: 'test@1',
  batchSize: 2,
  visibilitySeconds: 30,
  maxAttempts: 5,
  maxDeliveries: 3,
  concurrency: 2,
  budgetMs: 60_000,
  asyncPollSeconds: 7,
  reviewThreshold: 0.5,
  backoffBaseSeconds: 2,
  backoffMaxSeconds: 60,
};

const line = (text: string, top: number) => ({
  BlockType: 'LINE',
  Text: text,
  Confidence: 99,
  Geometry: { BoundingBox: { Left: 0.1, Top: top, Width: 0.8, Height: 0.03 } },
});

/** A Textract-shaped response whose LINE blocks read like a small receipt. */
const response: AnalyzeExpenseResponse = {
  DocumentMetadata: { Pages: 1 },
  ExpenseDocuments: [{
    ExpenseIndex: 1,
    SummaryFields: [],
    LineItemGroups: [],
    Blocks: [
      line('CORNER BAKERY SDN BHD', 0.02),
      line('12 JALAN MAWAR, 50000 KUALA LUMPUR', 0.06),
      line('DATE: 03/04/2018 10:15', 0.12),
      line('BREAD 2 X 3.50 7.00', 0.2),
      line('TOTAL RM 7.00', 0.3),
      line('CASH 10.00', 0.34),
      line('CHANGE 3.00', 0.38),
    ],
  }],
} as unknown as AnalyzeExpenseResponse;

/** The document the tests store; receipts are registered with its sha256. */
const DOC = new Uint8Array([1]);
const DOC_SHA = sha256Hex(DOC);

function receipt(over: Partial<ClaimedReceipt> = {}): ClaimedReceipt {
  return {
    msg_id: 1,
    read_ct: 1,
    mode: 'ocr',
    receipt_id: crypto.randomUUID(),
    organisation_id: 'org',
    storage_path: 'org/user/a.jpg',
    sha256: DOC_SHA,
    content_type: 'image/jpeg',
    attempts: 0,
    textract_job_id: null,
    artifact_path: null,
    ...over,
  };
}

async function withStore<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'tallyq-worker-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function deps(dir: string, over: Partial<WorkerDeps> = {}): WorkerDeps {
  const blobs = localFsBlobStore(dir);
  return {
    queue: { claim: () => Promise.resolve([]), settle: () => Promise.resolve({}) },
    blobs,
    textract: {
      analyzeExpense: () => Promise.resolve(response),
      startExpenseAnalysis: () => Promise.resolve('job-1'),
      getExpenseAnalysis: () => Promise.reject(new Error('not expected')),
    },
    random: () => 0.5,
    ...over,
  };
}

Deno.test("processOne - an image is read, OCR'd, stored as an artifact and extracted", async () => {
  await withStore(async (dir) => {
    const d = deps(dir);
    await d.blobs.put('org/user/a.jpg', DOC, 'image/jpeg');
    const outcome = await createReceiptWorker(config, d).processOne(receipt());
    assert.equal(outcome.outcome, 'done');
    if (outcome.outcome !== 'done') return;
    assert.equal(outcome.fields.total, '7.00');
    assert.equal(outcome.fields.date, '2018-04-03');
    assert.equal(outcome.fields.currency, 'MYR');
    assert.equal(outcome.fields.ocr_confidence, 0.99);
    assert.match(outcome.artifact!.storage_path, /^artifacts\/[0-9a-f]{64}\.json$/);
    assert.equal(await d.blobs.exists(outcome.artifact!.storage_path), true);
  });
});

Deno.test('processOne - Textract errors: retryable -> retry with backoff, permanent -> fail', async () => {
  await withStore(async (dir) => {
    const throwing = (err: Error) =>
      deps(dir, {
        textract: {
          analyzeExpense: () => Promise.reject(err),
          startExpenseAnalysis: () => Promise.reject(err),
          getExpenseAnalysis: () => Promise.reject(err),
        },
      });
    const setup = async (d: WorkerDeps) => {
      await d.blobs.put('org/user/a.jpg', DOC, 'image/jpeg');
      return d;
    };
    const throttled = await setup(
      throwing(new TextractError('ThrottlingException', 'slow down', 400)),
    );
    const retry = await createReceiptWorker(config, throttled).processOne(receipt({ attempts: 2 }));
    // attempt 3: ceiling min(60, 2 * 2^2) = 8, times random 0.5
    assert.deepEqual(retry, {
      outcome: 'retry',
      error: 'ThrottlingException: slow down',
      delay_seconds: 4,
    });

    const bad = await setup(throwing(new TextractError('BadDocumentException', 'unreadable', 400)));
    const fail = await createReceiptWorker(config, bad).processOne(receipt());
    assert.deepEqual(fail, { outcome: 'fail', error: 'BadDocumentException: unreadable' });
  });
});

Deno.test('processOne - our own rate governor saying "not yet" waits without spending an attempt', async () => {
  await withStore(async (dir) => {
    const err = new TextractError('RateLimited', 'budget spent', null, {
      retryable: true,
      retryAfterMs: 2500,
    });
    const d = deps(dir, {
      textract: {
        analyzeExpense: () => Promise.reject(err),
        startExpenseAnalysis: () => Promise.reject(err),
        getExpenseAnalysis: () => Promise.reject(err),
      },
    });
    await d.blobs.put('org/user/a.jpg', DOC, 'image/jpeg');
    assert.deepEqual(await createReceiptWorker(config, d).processOne(receipt()), {
      outcome: 'wait',
      delay_seconds: 3,
    });
  });
});

Deno.test('processOne - a missing document fails permanently', async () => {
  await withStore(async (dir) => {
    const outcome = await createReceiptWorker(config, deps(dir)).processOne(receipt());
    assert.equal(outcome.outcome, 'fail');
  });
});

/** Records what the worker staged and removed (the real S3 staging is tested in textract/). */
function recordingStaging() {
  const staged: { key: string; bytes: Uint8Array }[] = [];
  const removed: string[] = [];
  const key = (ref: StagingRef) => `${ref.organisationId}/${ref.receiptId}:${ref.contentType}`;
  const staging: DocumentStaging = {
    stage: (ref, bytes) => {
      staged.push({ key: key(ref), bytes });
      return Promise.resolve({ Bucket: 'staging', Name: key(ref) });
    },
    remove: (ref) => {
      removed.push(key(ref));
      return Promise.resolve();
    },
  };
  return { staging, staged, removed };
}

Deno.test("processOne - stored bytes that are not the registered file: fail, never OCR'd", async () => {
  await withStore(async (dir) => {
    let ocrCalls = 0;
    const d = deps(dir, {
      textract: {
        analyzeExpense: () => (ocrCalls++, Promise.resolve(response)),
        startExpenseAnalysis: () => (ocrCalls++, Promise.resolve('job-1')),
        getExpenseAnalysis: () => Promise.reject(new Error('not expected')),
      },
    });
    await d.blobs.put('org/user/a.jpg', new Uint8Array([9, 9]), 'image/jpeg');
    await d.blobs.put('org/user/a.pdf', new Uint8Array([9, 9]), 'application/pdf');
    const worker = createReceiptWorker(config, d);
    for (
      const r of [
        receipt(),
        receipt({ storage_path: 'org/user/a.pdf', content_type: 'application/pdf' }),
      ]
    ) {
      const outcome = await worker.processOne(r);
      assert.equal(outcome.outcome, 'fail');
      if (outcome.outcome === 'fail') {
        assert.match(
          outcome.error,
          new RegExp(
            `^Stored file does not match its sha256 \\(registered ${DOC_SHA}, stored [0-9a-f]{64}\\)$`,
          ),
        );
      }
    }
    assert.equal(ocrCalls, 0);
  });
});

Deno.test('processOne - a tampered artifact is refused on re-derivation', async () => {
  await withStore(async (dir) => {
    const d = deps(dir);
    const artifact = await storeArtifact(d.blobs, response, 'analyze_expense');
    await d.blobs.put(artifact.storage_path, new TextEncoder().encode('{}'), 'application/json');
    const outcome = await createReceiptWorker(config, d).processOne(
      receipt({ mode: 'rederive', artifact_path: artifact.storage_path }),
    );
    assert.deepEqual(outcome, {
      outcome: 'fail',
      error: `Artifact ${artifact.storage_path} does not match its sha256`,
    });
  });
});

Deno.test('processOne - values the database cannot hold are dropped: confidence 0, needs_review', async () => {
  await withStore(async (dir) => {
    const huge = structuredClone(response);
    huge.ExpenseDocuments![0].Blocks![4] = line('TOTAL RM 9999999999999999999.00', 0.3) as never;
    const d = deps(dir, {
      textract: {
        analyzeExpense: () => Promise.resolve(huge),
        startExpenseAnalysis: () => Promise.reject(new Error('not expected')),
        getExpenseAnalysis: () => Promise.reject(new Error('not expected')),
      },
    });
    await d.blobs.put('org/user/a.jpg', DOC, 'image/jpeg');
    const outcome = await createReceiptWorker(config, d).processOne(receipt());
    assert.equal(outcome.outcome, 'done');
    if (outcome.outcome !== 'done') return;
    assert.equal(outcome.status, 'needs_review');
    assert.equal(outcome.fields.total, null, 'the parser read 9999999999999999999.00: dropped');
    assert.equal((outcome.fields.confidence as Record<string, number>).total, 0);
    assert.deepEqual(outcome.fields.dropped, ['total'], 'the drop is reported');
    assert.equal(outcome.fields.date, '2018-04-03', 'the fields that fit are kept');
  });
});

Deno.test('processOne - the Textract job token is the receipt and message, never the file hash', async () => {
  await withStore(async (dir) => {
    const inputs: { clientRequestToken?: string }[] = [];
    const d = deps(dir, {
      textract: {
        analyzeExpense: () => Promise.reject(new Error('not expected')),
        startExpenseAnalysis: (input) => (inputs.push(input), Promise.resolve('job-1')),
        getExpenseAnalysis: () => Promise.reject(new Error('not expected')),
      },
      staging: recordingStaging().staging,
    });
    await d.blobs.put('org/user/a.pdf', DOC, 'application/pdf');
    const id = '0b5e3c1a-9f0e-4c2b-8d7a-2f4e6a8b0c1d';
    const pdf = receipt({
      receipt_id: id,
      msg_id: 42,
      storage_path: 'org/user/a.pdf',
      content_type: 'application/pdf',
    });
    await createReceiptWorker(config, d).processOne(pdf);
    assert.equal(inputs[0].clientRequestToken, '0b5e3c1a9f0e4c2b8d7a2f4e6a8b0c1d-42');
    assert.equal(textractRequestToken(pdf), inputs[0].clientRequestToken);
    assert.ok(!inputs[0].clientRequestToken!.includes(DOC_SHA.slice(0, 16)));
    assert.match(
      inputs[0].clientRequestToken!,
      /^[a-zA-Z0-9-_]{1,64}$/,
      'a valid ClientRequestToken',
    );
  });
});

Deno.test('processOne - PDFs: staged in S3, job started on the S3Object, polled, collected, cleaned up', async () => {
  await withStore(async (dir) => {
    const pages: GetExpenseAnalysisResponse[] = [
      { JobStatus: 'SUCCEEDED', NextToken: 't2', ...response } as GetExpenseAnalysisResponse,
      { JobStatus: 'SUCCEEDED', ExpenseDocuments: [] } as unknown as GetExpenseAnalysisResponse,
    ];
    let status: 'IN_PROGRESS' | 'SUCCEEDED' = 'IN_PROGRESS';
    const tokens: (string | undefined)[] = [];
    const started: unknown[] = [];
    const { staging, staged, removed } = recordingStaging();
    const d = deps(dir, {
      staging,
      textract: {
        analyzeExpense: () => Promise.reject(new Error('PDFs never go through the sync API')),
        startExpenseAnalysis: (input) => {
          started.push(input);
          return Promise.resolve('job-9');
        },
        getExpenseAnalysis: (_id, opts) => {
          tokens.push(opts?.nextToken);
          if (status === 'IN_PROGRESS') {
            return Promise.resolve({ JobStatus: 'IN_PROGRESS' } as GetExpenseAnalysisResponse);
          }
          return Promise.resolve(opts?.nextToken ? pages[1] : pages[0]);
        },
      },
    });
    await d.blobs.put('org/user/a.pdf', DOC, 'application/pdf');
    const worker = createReceiptWorker(config, d);
    const pdf = receipt({ content_type: 'application/pdf', storage_path: 'org/user/a.pdf' });

    assert.deepEqual(await worker.processOne(pdf), {
      outcome: 'wait',
      delay_seconds: 7,
      textract_job_id: 'job-9',
    });
    const key = `org/${pdf.receipt_id}:application/pdf`;
    assert.deepEqual(staged, [{ key, bytes: new Uint8Array([1]) }]);
    assert.deepEqual((started[0] as { s3Object: unknown }).s3Object, {
      Bucket: 'staging',
      Name: key,
    });
    assert.ok(!('bytes' in (started[0] as object)), 'AWS accepts no Bytes for async jobs');
    const running = { ...pdf, textract_job_id: 'job-9' };
    assert.deepEqual(await worker.processOne(running), { outcome: 'wait', delay_seconds: 7 });
    assert.deepEqual(removed, [], 'the staged copy stays while the job runs');
    status = 'SUCCEEDED';
    const done = await worker.processOne(running);
    assert.equal(done.outcome, 'done');
    if (done.outcome === 'done') assert.equal(done.artifact?.kind, 'expense_analysis_job');
    assert.deepEqual(tokens, [undefined, undefined, 't2']);
    assert.deepEqual(removed, [key]);
  });
});

Deno.test('processOne - a failed job removes its staged copy too', async () => {
  await withStore(async (dir) => {
    const { staging, removed } = recordingStaging();
    const d = deps(dir, {
      staging,
      textract: {
        analyzeExpense: () => Promise.reject(new Error('not expected')),
        startExpenseAnalysis: () => Promise.reject(new Error('not expected')),
        getExpenseAnalysis: () =>
          Promise.resolve(
            { JobStatus: 'FAILED', StatusMessage: 'bad' } as GetExpenseAnalysisResponse,
          ),
      },
    });
    const pdf = receipt({ content_type: 'image/tiff', textract_job_id: 'job-1' });
    assert.deepEqual(await createReceiptWorker(config, d).processOne(pdf), {
      outcome: 'fail',
      error: 'Textract job failed: bad',
    });
    assert.deepEqual(removed, [`org/${pdf.receipt_id}:image/tiff`]);
  });
});

Deno.test('processOne - without a staging bucket a PDF fails at once, naming TEXTRACT_S3_BUCKET', async () => {
  await withStore(async (dir) => {
    const d = deps(dir, {
      textract: {
        analyzeExpense: () => Promise.reject(new Error('not expected')),
        startExpenseAnalysis: () => Promise.reject(new Error('Textract must not be called')),
        getExpenseAnalysis: () => Promise.reject(new Error('not expected')),
      },
    });
    await d.blobs.put('org/user/a.pdf', new Uint8Array([1]), 'application/pdf');
    const outcome = await createReceiptWorker(config, d).processOne(
      receipt({ content_type: 'application/pdf', storage_path: 'org/user/a.pdf' }),
    );
    assert.equal(outcome.outcome, 'fail');
    assert.match(outcome.outcome === 'fail' ? outcome.error : '', /TEXTRACT_S3_BUCKET/);
  });
});

Deno.test('processOne - a JPEG over 10 MB goes async as a one-page PDF; a PNG over 10 MB is refused', async () => {
  await withStore(async (dir) => {
    const { staging, staged } = recordingStaging();
    const d = deps(dir, {
      staging,
      textract: {
        analyzeExpense: () => Promise.reject(new Error('over the sync limit')),
        startExpenseAnalysis: () => Promise.resolve('job-big'),
        getExpenseAnalysis: () => Promise.reject(new Error('not expected')),
      },
    });
    // A valid JPEG header (SOI + SOF0 of 4000x6000, 3 components) padded past 10 MB.
    const big = new Uint8Array(SYNC_MAX_BYTES + 100);
    big.set([0xff, 0xd8, 0xff, 0xc0, 0x00, 0x11, 0x08, 0x17, 0x70, 0x0f, 0xa0, 0x03]);
    await d.blobs.put('org/user/big.jpg', big, 'image/jpeg');
    await d.blobs.put('org/user/big.png', big, 'image/png');
    const worker = createReceiptWorker(config, d);
    const jpeg = receipt({ storage_path: 'org/user/big.jpg', sha256: sha256Hex(big) });
    assert.deepEqual(await worker.processOne(jpeg), {
      outcome: 'wait',
      delay_seconds: 7,
      textract_job_id: 'job-big',
    });
    assert.equal(staged[0].key, `org/${jpeg.receipt_id}:application/pdf`);
    assert.equal(new TextDecoder().decode(staged[0].bytes.subarray(0, 5)), '%PDF-');
    const png = await worker.processOne(
      receipt({
        content_type: 'image/png',
        storage_path: 'org/user/big.png',
        sha256: sha256Hex(big),
      }),
    );
    assert.equal(png.outcome, 'fail');
    assert.match(png.outcome === 'fail' ? png.error : '', /PNG images over 10 MB/);
  });
});

Deno.test('processOne - rederive reads the stored artifact and never calls Textract', async () => {
  await withStore(async (dir) => {
    const d = deps(dir, {
      textract: {
        analyzeExpense: () => Promise.reject(new Error('Textract must not be called')),
        startExpenseAnalysis: () => Promise.reject(new Error('Textract must not be called')),
        getExpenseAnalysis: () => Promise.reject(new Error('Textract must not be called')),
      },
    });
    const artifact = await storeArtifact(d.blobs, response, 'analyze_expense');
    const outcome = await createReceiptWorker(config, d).processOne(
      receipt({ mode: 'rederive', artifact_path: artifact.storage_path }),
    );
    assert.equal(outcome.outcome, 'done');
    if (outcome.outcome === 'done') {
      assert.equal(outcome.artifact, null);
      assert.equal(outcome.fields.total, '7.00');
    }
  });
});

Deno.test('storeArtifact - the same response lands once, at its content address', async () => {
  await withStore(async (dir) => {
    const blobs = localFsBlobStore(dir);
    const a = await storeArtifact(blobs, response, 'analyze_expense');
    const b = await storeArtifact(blobs, response, 'analyze_expense');
    assert.deepEqual(a, b);
    assert.deepEqual(await readdir(join(dir, 'artifacts')), [`${a.sha256}.json`]);
  });
});

Deno.test('run - drains batches until the queue is empty and settles each batch once', async () => {
  await withStore(async (dir) => {
    const batches = [
      [receipt({ msg_id: 1 }), receipt({ msg_id: 2 })],
      [receipt({ msg_id: 3 })],
      [],
    ];
    const settled: SettledOutcome[][] = [];
    const d = deps(dir, {
      queue: {
        claim: (qty, vt, maxDeliveries) => {
          assert.deepEqual([qty, vt, maxDeliveries], [2, 30, 3]);
          return Promise.resolve(batches.shift() ?? []);
        },
        settle: (outcomes, maxAttempts) => {
          assert.equal(maxAttempts, 5);
          settled.push(outcomes);
          return Promise.resolve({ fail: outcomes.length });
        },
      },
    });
    const summary = await createReceiptWorker(config, d).run();
    assert.equal(summary.stopped, 'empty');
    assert.equal(summary.batches, 2);
    assert.equal(summary.claimed, 3);
    assert.deepEqual(summary.outcomes, { fail: 3 });
    assert.deepEqual(settled.map((b) => b.map((o) => o.msg_id)), [['1', '2'], ['3']]);
    assert.ok(settled.flat().every((o) => o.processor_version === 'test@1' && o.mode === 'ocr'));
  });
});

Deno.test('run - stops taking batches once the time budget is spent', async () => {
  await withStore(async (dir) => {
    let clock = 0;
    let claims = 0;
    const d = deps(dir, {
      now: () => clock,
      queue: {
        claim: () => {
          claims++;
          clock += 40_000;
          return Promise.resolve([receipt()]);
        },
        settle: () => Promise.resolve({}),
      },
    });
    const summary = await createReceiptWorker(config, d).run();
    assert.equal(summary.stopped, 'budget');
    assert.equal(claims, 2);
  });
});

Deno.test('needsReview - a missing or unsure vendor, date or total needs a human', () => {
  const parsed = (over: Partial<ParsedReceipt>) =>
    ({
      vendor: 'A',
      date: '2018-01-01',
      total: '1.00',
      confidence: { vendor: 0.9, date: 0.9, total: 0.9 },
      ...over,
    }) as ParsedReceipt;
  assert.equal(needsReview(parsed({}), 0.5), false);
  assert.equal(needsReview(parsed({ total: null }), 0.5), true);
  assert.equal(
    needsReview(parsed({ confidence: { vendor: 0.9, date: 0.2, total: 0.9 } as never }), 0.5),
    true,
  );
});

Deno.test('revisitAfterMs - the earliest wait decides when the drain looks again; none, no revisit', () => {
  assert.equal(
    revisitAfterMs([
      { outcome: 'wait', delay_seconds: 5 },
      { outcome: 'wait', delay_seconds: 2 },
      { outcome: 'retry', error: 'x', delay_seconds: 1 },
    ]),
    2250,
  );
  assert.equal(revisitAfterMs([{ outcome: 'retry', error: 'x', delay_seconds: 1 }]), null);
});
