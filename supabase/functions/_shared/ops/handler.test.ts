import assert from 'node:assert/strict';
import { collectMetrics, type DatabaseMetrics, type OpsMetrics } from './metrics.ts';
import { createOpsHandler, erasureRoute, wantsPrometheus } from './handler.ts';
import { toPrometheus } from './prometheus.ts';

const queue = {
  depth: 3,
  in_flight: 1,
  oldest_message_age_seconds: 42,
  dead_lettered: 0,
  dead_lettered_per_minute: 0,
  processed_per_minute: 7,
};
const db: DatabaseMetrics = {
  generated_at: '2026-11-28T12:00:00Z',
  window_seconds: 900,
  queues: { receipt_ocr: queue, webhook_events: { ...queue, depth: 0 } },
  receipts: {
    processed_per_minute: 7,
    failed_per_minute: 0,
    processing: 1,
    settle_seconds: { count: 10, p50: 4.2, p95: 9.9 },
  },
  textract: { latency_ms: { count: 0, p50: null, p95: null } },
};

const metrics = (): Promise<OpsMetrics> =>
  collectMetrics({
    database: () => Promise.resolve(db),
    rejections: (route) =>
      route === 'upload' ? Promise.resolve(5) : Promise.reject(new Error('redis down')),
    routes: ['upload', 'ai'],
  });

Deno.test('collectMetrics - rejections per route; an unreachable Redis gives null, not an error', async () => {
  const m = await metrics();
  assert.deepEqual(m.rate_limit.rejections_per_minute, { upload: 5, ai: null });
  assert.equal(m.queues.receipt_ocr.depth, 3);
});

Deno.test('toPrometheus - HELP/TYPE per family, labelled samples, unknown values left out', async () => {
  const text = toPrometheus(await metrics());
  assert.ok(text.includes('# TYPE tallyq_queue_depth gauge\n'));
  assert.ok(text.includes('tallyq_queue_depth{queue="receipt_ocr"} 3\n'));
  assert.ok(text.includes('tallyq_queue_depth{queue="webhook_events"} 0\n'));
  assert.ok(text.includes('tallyq_receipt_settle_seconds{quantile="0.95"} 9.9\n'));
  assert.ok(text.includes('tallyq_rate_limit_rejections_per_minute{route="upload"} 5\n'));
  assert.ok(!text.includes('route="ai"'), 'null (unknown) is not exported as a number');
  assert.ok(!text.includes('tallyq_textract_latency_ms{'), 'no samples: no quantile lines');
  assert.ok(!text.includes('ledger'), 'no ledger on this database: no ledger families');
  // every sample line is `name{labels} number`
  for (const l of text.trim().split('\n').filter((l) => !l.startsWith('#'))) {
    assert.match(l, /^tallyq_[a-z_]+(\{[a-z_]+="[^"]*"(,[a-z_]+="[^"]*")*\})? -?[0-9.e+-]+$/);
  }
});

Deno.test('wantsPrometheus - Accept text/plain or ?format=prometheus', () => {
  const r = (q: string, accept?: string) =>
    new Request(`http://local/ops/metrics${q}`, { headers: accept ? { accept } : {} });
  assert.equal(wantsPrometheus(r('')), false);
  assert.equal(wantsPrometheus(r('', 'text/plain')), true);
  assert.equal(wantsPrometheus(r('', 'text/plain;version=0.0.4;q=0.3,*/*;q=0.1')), true);
  assert.equal(wantsPrometheus(r('', 'application/json, text/plain')), false);
  assert.equal(wantsPrometheus(r('?format=prometheus')), true);
  assert.equal(wantsPrometheus(r('?format=json', 'text/plain')), false);
});

Deno.test('ops handler - service role only: 401 without a token, 403 for others', async () => {
  const handler = (yes: boolean) =>
    createOpsHandler({ isServiceRole: () => Promise.resolve(yes), metrics });
  const get = (h: (r: Request) => Promise<Response>, headers: Record<string, string> = {}) =>
    h(new Request('http://local/ops/metrics', { headers }));
  const none = await get(handler(false));
  assert.equal(none.status, 401);
  assert.equal((await none.json()).error, 'unauthorized');
  const other = await get(handler(false), { authorization: 'Bearer user' });
  assert.equal(other.status, 403);
  assert.deepEqual(Object.keys(await other.json()).sort(), ['error', 'message']);
  const ok = await get(handler(true), { authorization: 'Bearer op' });
  assert.equal(ok.status, 200);
  assert.equal((await ok.json()).receipts.processed_per_minute, 7);
  const prom = await get(handler(true), { authorization: 'Bearer op', accept: 'text/plain' });
  assert.match(prom.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  assert.equal(
    (await handler(true)(new Request('http://local/ops/metrics', { method: 'POST' }))).status,
    405,
  );
  assert.equal((await handler(true)(new Request('http://local/ops/nope'))).status, 404);
});

Deno.test('ops handler - erasure: a uuid is required, the result is returned as JSON', async () => {
  const erased: string[] = [];
  const handler = createOpsHandler({
    isServiceRole: () => Promise.resolve(true),
    metrics,
    extraRoutes: [erasureRoute((id) => {
      erased.push(id);
      return Promise.resolve({ counts: { receipts: 1 }, blobs_deleted: 2 });
    })],
  });
  const post = (body: string) =>
    handler(
      new Request('http://local/ops/erasure', {
        method: 'POST',
        headers: { authorization: 'Bearer op' },
        body,
      }),
    );
  for (const bad of ['not json', '{}', '{"user_id":"42"}', '{"user_id":null}']) {
    const res = await post(bad);
    assert.equal(res.status, 400, bad);
    assert.deepEqual(Object.keys(await res.json()).sort(), ['error', 'message']);
  }
  const id = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
  const ok = await post(JSON.stringify({ user_id: id }));
  assert.equal(ok.status, 200);
  assert.deepEqual(await ok.json(), { counts: { receipts: 1 }, blobs_deleted: 2 });
  assert.deepEqual(erased, [id], 'bad requests erased nobody');
});
