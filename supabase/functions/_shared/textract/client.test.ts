import assert from 'node:assert/strict';
import { createTextractClient, loadTextractConfig, type TextractConfig } from './client.ts';
import { TextractError } from './errors.ts';

const config: TextractConfig = {
  region: 'eu-west-1',
  endpoint: 'http://textract.test',
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'secret',
  timeoutMs: 1000,
  maxAttempts: 3,
  retryBaseMs: 100,
  retryMaxMs: 1000,
};

type Reply = { status: number; body: string } | Error;

/** A fetch that records requests and plays back scripted replies. */
function scripted(replies: Reply[]) {
  const seen: Request[] = [];
  const fetch = (input: RequestInfo | URL): Promise<Response> => {
    seen.push(input as Request);
    const r = replies.shift() ?? { status: 200, body: '{}' };
    if (r instanceof Error) return Promise.reject(r);
    return Promise.resolve(new Response(r.body, { status: r.status }));
  };
  return { fetch: fetch as typeof globalThis.fetch, seen };
}

const throttle = { status: 400, body: '{"__type":"ThrottlingException","message":"Slow down"}' };
const ok = { status: 200, body: '{"ExpenseDocuments":[],"DocumentMetadata":{"Pages":1}}' };

Deno.test('client - signs a JSON 1.1 request for the textract service and region', async () => {
  const f = scripted([ok]);
  const client = createTextractClient(config, { fetch: f.fetch });
  const res = await client.analyzeExpense(new Uint8Array([1, 2, 3]));
  assert.deepEqual(res.DocumentMetadata, { Pages: 1 });
  const req = f.seen[0];
  assert.equal(req.method, 'POST');
  assert.equal(req.url, 'http://textract.test/');
  assert.equal(req.headers.get('content-type'), 'application/x-amz-json-1.1');
  assert.equal(req.headers.get('x-amz-target'), 'Textract.AnalyzeExpense');
  const auth = req.headers.get('authorization') ?? '';
  assert.match(
    auth,
    /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/textract\/aws4_request, /,
  );
  assert.deepEqual(await req.json(), { Document: { Bytes: 'AQID' } });
});

Deno.test('client - retries a throttle with growing jittered backoff, then succeeds', async () => {
  const f = scripted([throttle, throttle, ok]);
  const sleeps: number[] = [];
  const client = createTextractClient(config, {
    fetch: f.fetch,
    sleep: (ms) => (sleeps.push(ms), Promise.resolve()),
    random: () => 0.5,
  });
  await client.analyzeExpense(new Uint8Array([1]));
  assert.equal(f.seen.length, 3);
  assert.deepEqual(sleeps, [50, 100]);
});

Deno.test('client - gives up after maxAttempts with a retryable error', async () => {
  const f = scripted([throttle, throttle, throttle, ok]);
  const client = createTextractClient(config, { fetch: f.fetch, sleep: () => Promise.resolve() });
  await assert.rejects(client.analyzeExpense(new Uint8Array([1])), (e: unknown) => {
    assert.ok(e instanceof TextractError);
    assert.equal(e.code, 'ThrottlingException');
    assert.equal(e.retryable, true);
    return true;
  });
  assert.equal(f.seen.length, 3);
});

Deno.test('client - a permanent error is not retried', async () => {
  const f = scripted([
    { status: 400, body: '{"__type":"BadDocumentException","message":"x"}' },
    ok,
  ]);
  const client = createTextractClient(config, { fetch: f.fetch, sleep: () => Promise.resolve() });
  await assert.rejects(client.analyzeExpense(new Uint8Array([1])), (e: unknown) => {
    assert.ok(e instanceof TextractError);
    assert.equal(e.code, 'BadDocumentException');
    assert.equal(e.retryable, false);
    return true;
  });
  assert.equal(f.seen.length, 1);
});

Deno.test('client - a malformed body and a network failure are retried', async () => {
  const f = scripted([{ status: 200, body: '{"Expense' }, new TypeError('connection reset'), ok]);
  const client = createTextractClient(config, { fetch: f.fetch, sleep: () => Promise.resolve() });
  const res = await client.analyzeExpense(new Uint8Array([1]));
  assert.deepEqual(res.ExpenseDocuments, []);
  assert.equal(f.seen.length, 3);
});

Deno.test('client - a timeout surfaces as a retryable TimeoutError', async () => {
  const hang = ((_: RequestInfo | URL, init?: RequestInit) =>
    new Promise<Response>((_, reject) => {
      init?.signal?.addEventListener('abort', () => reject(init.signal?.reason));
    })) as typeof fetch;
  const client = createTextractClient({ ...config, timeoutMs: 20, maxAttempts: 1 }, {
    fetch: hang,
  });
  await assert.rejects(client.analyzeExpense(new Uint8Array([1])), (e: unknown) => {
    assert.ok(e instanceof TextractError);
    assert.equal(e.code, 'TimeoutError');
    assert.equal(e.retryable, true);
    return true;
  });
});

Deno.test('client - startExpenseAnalysis sends S3Object or (local only) Bytes, returns JobId', async () => {
  const f = scripted([{ status: 200, body: '{"JobId":"j1"}' }, {
    status: 200,
    body: '{"JobId":"j2"}',
  }]);
  const client = createTextractClient(config, { fetch: f.fetch });
  assert.equal(
    await client.startExpenseAnalysis({ s3Object: { Bucket: 'b', Name: 'n.pdf' } }),
    'j1',
  );
  assert.equal(await client.startExpenseAnalysis({ bytes: new Uint8Array([255]) }), 'j2');
  assert.deepEqual(await f.seen[0].json(), {
    DocumentLocation: { S3Object: { Bucket: 'b', Name: 'n.pdf' } },
  });
  assert.deepEqual(await f.seen[1].json(), { DocumentLocation: { Bytes: '/w==' } });
  assert.equal(f.seen[1].headers.get('x-amz-target'), 'Textract.StartExpenseAnalysis');
});

Deno.test('client - getExpenseAnalysis passes JobId, NextToken and MaxResults', async () => {
  const f = scripted([{ status: 200, body: '{"JobStatus":"IN_PROGRESS"}' }]);
  const client = createTextractClient(config, { fetch: f.fetch });
  const res = await client.getExpenseAnalysis('j1', { nextToken: 't', maxResults: 5 });
  assert.equal(res.JobStatus, 'IN_PROGRESS');
  assert.deepEqual(await f.seen[0].json(), { JobId: 'j1', MaxResults: 5, NextToken: 't' });
});

Deno.test('client - every attempt takes a governor slot first', async () => {
  const f = scripted([throttle, ok]);
  const ops: string[] = [];
  const client = createTextractClient(config, {
    fetch: f.fetch,
    sleep: () => Promise.resolve(),
    governor: { acquire: (op) => (ops.push(op), Promise.resolve({ waitedMs: 0 })) },
  });
  await client.detectDocumentText(new Uint8Array([1]));
  assert.deepEqual(ops, ['DetectDocumentText', 'DetectDocumentText']);
});

Deno.test('config - names every missing variable', () => {
  assert.throws(
    () => loadTextractConfig({ AWS_REGION: 'eu-west-1' }),
    /AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY/,
  );
});

Deno.test('config - defaults the endpoint to the regional AWS one', () => {
  const c = loadTextractConfig({
    AWS_REGION: 'ap-southeast-1',
    AWS_ACCESS_KEY_ID: 'a',
    AWS_SECRET_ACCESS_KEY: 'b',
    AWS_SESSION_TOKEN: '',
  });
  assert.equal(c.endpoint, 'https://textract.ap-southeast-1.amazonaws.com');
  assert.equal(c.sessionToken, undefined);
  assert.equal(c.maxAttempts, 3);
  const local = loadTextractConfig({
    AWS_REGION: 'x',
    AWS_ACCESS_KEY_ID: 'a',
    AWS_SECRET_ACCESS_KEY: 'b',
    TEXTRACT_ENDPOINT: 'http://127.0.0.1:54380/',
    TEXTRACT_TIMEOUT_MS: '500',
  });
  assert.equal(local.endpoint, 'http://127.0.0.1:54380');
  assert.equal(local.timeoutMs, 500);
});
