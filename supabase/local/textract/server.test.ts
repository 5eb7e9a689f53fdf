// Integration: the deployed Textract client against the local Textract-compatible endpoint, over
// HTTP with real SigV4 and real OCR (tesseract unless TALLYQ_OCR_ENGINE says otherwise).
//
// By default this file starts its own endpoint on a free port. To run against one already
// running, set TEXTRACT_ENDPOINT (and LOCAL_AWS_ACCESS_KEY_ID / LOCAL_AWS_SECRET_ACCESS_KEY if it
// does not use the local defaults); the fault-injection steps also need TEXTRACT_ADMIN_TOKEN and
// are skipped without it. Test receipts are drawn at run time with ImageMagick (`convert`), and
// PDFs are made from them with pdf-from-jpeg.ts.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AwsClient } from 'npm:aws4fetch@^1.0.20';
import {
  createTextractClient,
  type TextractClient,
  type TextractConfig,
} from '../../functions/_shared/textract/client.ts';
import { TextractError } from '../../functions/_shared/textract/errors.ts';
import type { GetExpenseAnalysisResponse } from '../../functions/_shared/textract/types.ts';
import { fromAnalyzeExpense } from '../../functions/_shared/receipts/parser/parse.ts';
import type { OcrPage } from '../../functions/_shared/receipts/parser/ocr-types.ts';
import { pdfFromJpegs } from '../../functions/_shared/textract/pdf-from-jpeg.ts';
import { FaultInjector } from './faults.ts';
import { OcrCache } from './ocr-cache.ts';
import {
  createLocalTextract,
  LOCAL_DEFAULT_CREDENTIALS,
  type LocalTextractOptions,
  type RunningTextract,
  startLocalTextract,
} from './server.ts';

/** Draws a simple receipt as JPEG (ImageMagick). */
function drawReceipt(lines: string[]): Uint8Array {
  const args = ['-size', '700x' + (80 + lines.length * 60), 'xc:white', '-fill', 'black'];
  // Named explicitly: ImageMagick's default (helvetica) needs fonts a --no-install-recommends
  // machine lacks; fonts-dejavu-core (scripts/ensure-deps.sh) provides this one.
  args.push('-font', 'DejaVu-Sans');
  args.push('-pointsize', '30');
  lines.forEach((l, i) => args.push('-annotate', `+30+${60 + i * 60}`, l));
  args.push('-quality', '92', 'jpg:-');
  const res = spawnSync('convert', args, { maxBuffer: 20 * 1024 * 1024 });
  if (res.status !== 0) throw new Error(`convert failed: ${res.stderr}`);
  return new Uint8Array(res.stdout);
}

const receiptA = drawReceipt([
  'KEDAI RUNCIT MAJU SDN BHD',
  'DATE: 12/08/2017',
  'NASI LEMAK        5.50',
  'TEH TARIK         7.00',
  'TOTAL RM         12.50',
]);
const receiptB = drawReceipt([
  'KEDAI BUKU CERIA',
  'DATE: 03/01/2018',
  'PENSEL            2.00',
  'TOTAL RM          2.00',
]);

const env = Deno.env.toObject();
const creds = {
  accessKeyId: env.LOCAL_AWS_ACCESS_KEY_ID || LOCAL_DEFAULT_CREDENTIALS.accessKeyId,
  secretAccessKey: env.LOCAL_AWS_SECRET_ACCESS_KEY || LOCAL_DEFAULT_CREDENTIALS.secretAccessKey,
};

function clientFor(endpoint: string, over: Partial<TextractConfig> = {}, calls?: string[]) {
  return createTextractClient(
    {
      region: 'us-east-1',
      endpoint,
      ...creds,
      timeoutMs: 60_000,
      maxAttempts: 3,
      retryBaseMs: 10,
      retryMaxMs: 50,
      ...over,
    },
    { onAttempt: (a) => calls?.push(a.error ? a.error.code : 'ok') },
  );
}

async function waitForJob(
  client: TextractClient,
  jobId: string,
  opts: { maxResults?: number } = {},
) {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const res = await client.getExpenseAnalysis(jobId, opts);
    if (res.JobStatus !== 'IN_PROGRESS') return res;
    if (Date.now() > deadline) throw new Error(`job ${jobId} still IN_PROGRESS`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

Deno.test('local textract endpoint - client integration', async (t) => {
  const external = env.TEXTRACT_ENDPOINT;
  const adminToken = external ? env.TEXTRACT_ADMIN_TOKEN : crypto.randomUUID();
  let running: RunningTextract | undefined;
  if (!external) {
    running = await startLocalTextract({
      port: 0,
      adminToken,
      engine: (env.TALLYQ_OCR_ENGINE as LocalTextractOptions['engine']) || 'tesseract',
      mode: 'ocr',
      faults: new FaultInjector(),
      log: () => {},
    });
  }
  const endpoint = (external ?? running?.url ?? '').replace(/\/+$/, '');
  const admin = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${endpoint}${path}`, {
      method,
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    assert.equal(res.status, 200, `${method} ${path}`);
    return await res.json();
  };
  const canFault = !!adminToken;
  try {
    await t.step('a correctly signed AnalyzeExpense is answered in Textract shape', async () => {
      const res = await clientFor(endpoint).analyzeExpense(receiptA);
      assert.deepEqual(res.DocumentMetadata, { Pages: 1 });
      assert.equal(typeof res.AnalyzeExpenseModelVersion, 'string');
      const doc = res.ExpenseDocuments?.[0];
      assert.ok(doc);
      assert.equal(doc.ExpenseIndex, 1);
      const lines = (doc.Blocks ?? []).filter((b) => b.BlockType === 'LINE');
      assert.ok(lines.some((l) => /TOTAL/.test(l.Text ?? '')));
      for (const b of doc.Blocks ?? []) {
        if (b.Confidence !== undefined) assert.ok(b.Confidence >= 0 && b.Confidence <= 100);
        const box = b.Geometry?.BoundingBox;
        assert.ok(box && box.Left >= 0 && box.Left + box.Width <= 1.000001);
      }
      const total = doc.SummaryFields?.find((f) => f.Type?.Text === 'TOTAL');
      assert.equal(total?.ValueDetection?.Text?.replace(/[^\d.]/g, ''), '12.50');
      assert.equal(fromAnalyzeExpense(res).total, '12.50');
    });

    await t.step(
      'DetectDocumentText returns PAGE, LINE and WORD blocks linked by CHILD',
      async () => {
        const res = await clientFor(endpoint).detectDocumentText(receiptB);
        const blocks = res.Blocks ?? [];
        const byId = new Map(blocks.map((b) => [b.Id, b]));
        const page = blocks.find((b) => b.BlockType === 'PAGE');
        assert.ok(page);
        const lineIds = page.Relationships?.[0].Ids ?? [];
        assert.ok(lineIds.length >= 3);
        const line = byId.get(lineIds[0]);
        assert.equal(line?.BlockType, 'LINE');
        const words = (line?.Relationships?.[0].Ids ?? []).map((id) => byId.get(id));
        assert.ok(words.length > 0 && words.every((w) => w?.BlockType === 'WORD'));
        assert.equal(words.map((w) => w?.Text).join(' '), line?.Text);
      },
    );

    await t.step(
      'a tampered signature is rejected with 403 InvalidSignatureException',
      async () => {
        const aws = new AwsClient({
          ...creds,
          service: 'textract',
          region: 'us-east-1',
          retries: 0,
        });
        const signed = await aws.sign(`${endpoint}/`, {
          method: 'POST',
          headers: {
            'Content-Type': 'application/x-amz-json-1.1',
            'X-Amz-Target': 'Textract.DetectDocumentText',
          },
          body: JSON.stringify({ Document: { Bytes: 'AAAA' } }),
        });
        // Same headers and signature, different body.
        const res = await fetch(signed.url, {
          method: 'POST',
          headers: signed.headers,
          body: JSON.stringify({ Document: { Bytes: 'BBBB' } }),
        });
        assert.equal(res.status, 403);
        const body = await res.json();
        assert.equal(body.__type, 'InvalidSignatureException');
        assert.match(body.message, /signature we calculated does not match/);
      },
    );

    await t.step('a wrong secret is rejected and not retried', async () => {
      const calls: string[] = [];
      const client = clientFor(endpoint, { secretAccessKey: 'wrong' }, calls);
      await assert.rejects(client.analyzeExpense(receiptA), (e: unknown) => {
        assert.ok(e instanceof TextractError);
        assert.equal(e.status, 403);
        assert.equal(e.code, 'InvalidSignatureException');
        assert.equal(e.retryable, false);
        return true;
      });
      assert.deepEqual(calls, ['InvalidSignatureException']);
    });

    await t.step('an unknown access key is rejected with UnrecognizedClientException', async () => {
      const client = clientFor(endpoint, { accessKeyId: 'AKIAUNKNOWN000000000' });
      await assert.rejects(client.analyzeExpense(receiptA), (e: unknown) => {
        assert.ok(e instanceof TextractError);
        assert.equal(e.code, 'UnrecognizedClientException');
        assert.equal(e.status, 403);
        assert.equal(e.retryable, false);
        return true;
      });
    });

    await t.step('an unsupported document is a permanent 400, called once', async () => {
      const calls: string[] = [];
      const client = clientFor(endpoint, {}, calls);
      if (canFault) await admin('DELETE', '/__stats');
      await assert.rejects(
        client.analyzeExpense(new TextEncoder().encode('just some text, not an image')),
        (e: unknown) => {
          assert.ok(e instanceof TextractError);
          assert.equal(e.code, 'UnsupportedDocumentException');
          assert.equal(e.status, 400);
          assert.equal(e.retryable, false);
          return true;
        },
      );
      assert.deepEqual(calls, ['UnsupportedDocumentException']);
      if (canFault) assert.equal((await admin('GET', '/__stats')).calls.AnalyzeExpense, 1);
    });

    await t.step('a corrupt image is BadDocumentException', async () => {
      const corrupt = new Uint8Array([...receiptA.subarray(0, 600), ...new Uint8Array(400)]);
      await assert.rejects(clientFor(endpoint).analyzeExpense(corrupt), (e: unknown) => {
        assert.ok(e instanceof TextractError);
        assert.equal(e.code, 'BadDocumentException');
        assert.equal(e.retryable, false);
        return true;
      });
    });

    await t.step('a multi-page PDF is refused by the sync API', async () => {
      const pdf = pdfFromJpegs([receiptA, receiptB]);
      await assert.rejects(clientFor(endpoint).analyzeExpense(pdf), (e: unknown) => {
        assert.ok(e instanceof TextractError);
        assert.equal(e.code, 'UnsupportedDocumentException');
        return true;
      });
    });

    await t.step('a one-page PDF goes through the async path', async () => {
      const client = clientFor(endpoint);
      const jobId = await client.startExpenseAnalysis({ bytes: pdfFromJpegs([receiptA]) });
      assert.match(jobId, /^[0-9a-f]{32}$/);
      const res = await waitForJob(client, jobId);
      assert.equal(res.JobStatus, 'SUCCEEDED');
      assert.deepEqual(res.DocumentMetadata, { Pages: 1 });
      assert.equal(res.NextToken, undefined);
      assert.equal(fromAnalyzeExpense(res).total, '12.50');
    });

    await t.step('a multi-page PDF yields one ExpenseDocument per page, paginated', async () => {
      const client = clientFor(endpoint);
      const jobId = await client.startExpenseAnalysis({
        bytes: pdfFromJpegs([receiptA, receiptB]),
      });
      const first: GetExpenseAnalysisResponse = await waitForJob(client, jobId, { maxResults: 1 });
      assert.equal(first.JobStatus, 'SUCCEEDED');
      assert.deepEqual(first.DocumentMetadata, { Pages: 2 });
      assert.equal(first.ExpenseDocuments?.length, 1);
      assert.equal(first.ExpenseDocuments?.[0].ExpenseIndex, 1);
      assert.ok(first.NextToken);
      const second = await client.getExpenseAnalysis(jobId, {
        maxResults: 1,
        nextToken: first.NextToken,
      });
      assert.equal(second.ExpenseDocuments?.length, 1);
      assert.equal(second.ExpenseDocuments?.[0].ExpenseIndex, 2);
      assert.equal(second.NextToken, undefined);
      const page2 = second.ExpenseDocuments?.[0];
      assert.ok(page2?.SummaryFields?.every((f) => f.PageNumber === 2));
      assert.equal(fromAnalyzeExpense({ ExpenseDocuments: [page2!] }).total, '2.00');
    });

    await t.step(
      'a corrupt PDF makes the job FAILED, and an unknown job id is refused',
      async () => {
        const client = clientFor(endpoint);
        const broken = new TextEncoder().encode('%PDF-1.4\nthis is not really a pdf\n%%EOF\n');
        const res = await waitForJob(client, await client.startExpenseAnalysis({ bytes: broken }));
        assert.equal(res.JobStatus, 'FAILED');
        assert.ok(res.StatusMessage);
        await assert.rejects(client.getExpenseAnalysis('0'.repeat(32)), (e: unknown) => {
          assert.ok(e instanceof TextractError);
          assert.equal(e.code, 'InvalidJobIdException');
          assert.equal(e.retryable, false);
          return true;
        });
      },
    );

    await t.step({
      name: 'throttled twice, the client retries and succeeds',
      ignore: !canFault,
      fn: async () => {
        await admin('DELETE', '/__stats');
        await admin('POST', '/__faults', [{
          fault: 'throttle',
          times: 2,
          operation: 'AnalyzeExpense',
        }]);
        const calls: string[] = [];
        const res = await clientFor(endpoint, {}, calls).analyzeExpense(receiptB);
        assert.deepEqual(calls, ['ThrottlingException', 'ThrottlingException', 'ok']);
        assert.equal(res.ExpenseDocuments?.length, 1);
        assert.equal((await admin('GET', '/__stats')).calls.AnalyzeExpense, 3);
      },
    });

    await t.step({
      name: 'throttled past maxAttempts, the client surfaces a retryable error',
      ignore: !canFault,
      fn: async () => {
        await admin('POST', '/__faults', [{
          fault: 'throttle',
          times: 3,
          operation: 'AnalyzeExpense',
        }]);
        await assert.rejects(clientFor(endpoint).analyzeExpense(receiptB), (e: unknown) => {
          assert.ok(e instanceof TextractError);
          assert.equal(e.code, 'ThrottlingException');
          assert.equal(e.retryable, true);
          return true;
        });
        assert.deepEqual((await admin('GET', '/__faults')).rules, []);
      },
    });

    await t.step({
      name: 'a 5xx and a malformed body are retried',
      ignore: !canFault,
      fn: async () => {
        await admin('POST', '/__faults', [
          { fault: 'server_error', operation: 'DetectDocumentText' },
          { fault: 'malformed', operation: 'DetectDocumentText' },
        ]);
        const calls: string[] = [];
        const res = await clientFor(endpoint, {}, calls).detectDocumentText(receiptB);
        assert.deepEqual(calls, ['InternalServerError', 'MalformedResponse', 'ok']);
        assert.ok((res.Blocks ?? []).length > 0);
      },
    });

    await t.step({
      name: 'an injected permanent error is not retried',
      ignore: !canFault,
      fn: async () => {
        await admin('DELETE', '/__stats');
        await admin('POST', '/__faults', [
          { fault: 'error', type: 'InvalidParameterException', operation: 'AnalyzeExpense' },
        ]);
        const calls: string[] = [];
        await assert.rejects(clientFor(endpoint, {}, calls).analyzeExpense(receiptB), /invalid/i);
        assert.deepEqual(calls, ['InvalidParameterException']);
        assert.equal((await admin('GET', '/__stats')).calls.AnalyzeExpense, 1);
      },
    });

    await t.step({
      name: 'a slow answer past the timeout is a retryable TimeoutError',
      ignore: !canFault,
      fn: async () => {
        await admin('POST', '/__faults', [{
          fault: 'delay',
          ms: 1500,
          operation: 'GetExpenseAnalysis',
        }]);
        const client = clientFor(endpoint, { timeoutMs: 200, maxAttempts: 1 });
        await assert.rejects(client.getExpenseAnalysis('x'), (e: unknown) => {
          assert.ok(e instanceof TextractError);
          assert.equal(e.code, 'TimeoutError');
          assert.equal(e.retryable, true);
          return true;
        });
      },
    });

    await t.step('the endpoint answers other requests while OCR runs', async () => {
      let ocrDone = false;
      const ocr = clientFor(endpoint).analyzeExpense(receiptA).then(() => (ocrDone = true));
      const health = await fetch(`${endpoint}/__health`);
      assert.equal(health.status, 200);
      assert.equal((await health.json()).service, 'tallyq-local-textract');
      assert.equal(ocrDone, false);
      await ocr;
    });

    await t.step('admin endpoints are hidden without the token', async () => {
      const res = await fetch(`${endpoint}/__faults`, {
        method: 'POST',
        body: '[{"fault":"throttle"}]',
      });
      assert.equal(res.status, 404);
      await res.body?.cancel();
    });
  } finally {
    await running?.close();
  }
});

// ---------------------------------------------------------------- replay, without HTTP

function stubOptions(
  over: Partial<LocalTextractOptions>,
): LocalTextractOptions & { recognized: number } {
  const o = {
    recognized: 0,
    credentials: new Map([[creds.accessKeyId, creds.secretAccessKey]]),
    recognize: (): Promise<OcrPage> => {
      o.recognized++;
      return Promise.resolve({
        width: 100,
        height: 100,
        engine: 'tesseract',
        lines: [{
          text: 'TOTAL 9.90',
          confidence: 90,
          bbox: { left: 0.1, top: 0.1, width: 0.5, height: 0.1 },
          words: [],
        }],
      });
    },
    analyzePage: () => ({ SummaryFields: [], LineItemGroups: [] }),
    engine: 'tesseract' as const,
    mode: 'ocr' as const,
    cache: new OcrCache(),
    concurrency: 2,
    faults: new FaultInjector(),
    log: () => {},
    ...over,
  };
  return o;
}

Deno.test('local textract endpoint - record then replay answers without OCR, labelled', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tallyq-replay-'));
  try {
    const call = async (opts: LocalTextractOptions) => {
      const local = createLocalTextract(opts);
      const aws = new AwsClient({ ...creds, service: 'textract', region: 'us-east-1', retries: 0 });
      const req = await aws.sign('http://127.0.0.1:1/', {
        method: 'POST',
        headers: {
          'Content-Type': 'application/x-amz-json-1.1',
          'X-Amz-Target': 'Textract.AnalyzeExpense',
        },
        body: JSON.stringify({ Document: { Bytes: btoa(String.fromCharCode(...receiptB)) } }),
      });
      const res = await local.handler(req);
      assert.equal(res.status, 200);
      return { source: res.headers.get('x-tallyq-source'), body: await res.json() };
    };
    const record = stubOptions({ mode: 'record', cache: new OcrCache(dir) });
    const first = await call(record);
    assert.equal(first.source, 'ocr');
    assert.equal(record.recognized, 1);

    const replay = stubOptions({ mode: 'replay', cache: new OcrCache(dir) });
    const second = await call(replay);
    assert.equal(replay.recognized, 0);
    assert.equal(second.source, 'replay');
    assert.equal(second.body.LocalEndpoint.Source, 'replay');
    const line = second.body.ExpenseDocuments[0].Blocks.find((b: { BlockType: string }) =>
      b.BlockType === 'LINE'
    );
    assert.equal(line.Text, 'TOTAL 9.90');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
