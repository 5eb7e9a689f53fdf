// pg_net stand-in contract, end to end: the worker delivers committed requests to a real HTTP
// server, records responses and timeouts, and never sends a request whose transaction rolled back.
//   SUPABASE_DB_URL=postgresql://postgres:postgres@127.0.0.1:55322/postgres \
//     deno test -A supabase/local/pg-net-worker.test.ts
import assert from 'node:assert/strict';
import postgres from 'npm:postgres@^3.4.5';
import { type PgNetWorker, startPgNetWorker } from './pg-net-worker.ts';

const dbUrl = Deno.env.get('SUPABASE_DB_URL');
const opts = { sanitizeOps: false, sanitizeResources: false };

type Received = { method: string; path: string; headers: Headers; body: string };
type Response = {
  status_code: number | null;
  content_type: string | null;
  headers: Record<string, string> | null;
  content: string | null;
  timed_out: boolean | null;
  error_msg: string | null;
};

/** A database session, a local HTTP server recording what it receives, and a running worker. */
async function withHarness(
  fn: (h: { sql: postgres.Sql; base: string; received: Received[] }) => Promise<void>,
): Promise<void> {
  if (!dbUrl) throw new Error('SUPABASE_DB_URL is required for the pg_net contract tests');
  const sql = postgres(dbUrl, { max: 2, prepare: false, onnotice: () => {} });
  await sql`create extension if not exists pg_net`;
  const received: Received[] = [];
  const server = Deno.serve({ hostname: '127.0.0.1', port: 0, onListen: () => {} }, async (req) => {
    const url = new URL(req.url);
    received.push({
      method: req.method,
      path: url.pathname + url.search,
      headers: req.headers,
      body: await req.text(),
    });
    if (url.pathname === '/slow') await new Promise((resolve) => setTimeout(resolve, 1500));
    return new Response(JSON.stringify({ ok: true, path: url.pathname }), {
      status: url.pathname === '/missing' ? 404 : 201,
      headers: { 'content-type': 'application/json', 'x-reply': 'yes' },
    });
  });
  let worker: PgNetWorker | null = null;
  try {
    worker = await startPgNetWorker({ dbUrl, log: () => {} });
    await fn({ sql, base: `http://127.0.0.1:${server.addr.port}`, received });
  } finally {
    await worker?.stop();
    await server.shutdown();
    await sql.end();
  }
}

/** Waits until the worker has recorded a response for `id` (woken by NOTIFY or the poll). */
async function responseFor(sql: postgres.Sql, id: number): Promise<Response> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const [row] = await sql<Response[]>`
      select status_code, content_type, headers, content, timed_out, error_msg
      from net._http_response where id = ${id}`;
    if (row) return row;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no response recorded for request ${id}`);
}

Deno.test(
  'pg_net worker - committed http_post: delivered with method, headers and body; response recorded',
  opts,
  async () => {
    await withHarness(async ({ sql, base, received }) => {
      const [{ id }] = await sql`
      select net.http_post(
        url := ${base + '/hook'},
        body := '{"receipt_id": 42}',
        params := '{"source": "db"}',
        headers := '{"Authorization": "Bearer local-secret"}'
      )::int as id`;

      const response = await responseFor(sql, id);
      const request = received.find((r) => r.path === '/hook?source=db');
      assert.ok(request, 'the server received the request');
      assert.equal(request.method, 'POST');
      assert.equal(request.headers.get('authorization'), 'Bearer local-secret');
      assert.equal(request.headers.get('content-type'), 'application/json');
      assert.deepEqual(JSON.parse(request.body), { receipt_id: 42 });

      assert.equal(response.status_code, 201);
      assert.equal(response.content_type, 'application/json');
      assert.equal(response.headers?.['x-reply'], 'yes');
      assert.deepEqual(JSON.parse(response.content ?? ''), { ok: true, path: '/hook' });
      assert.equal(response.timed_out, false);
      assert.equal(response.error_msg, null);
      await sql`select net.check_worker_is_up()`; // raises when no worker session is connected
    });
  },
);

Deno.test(
  'pg_net worker - http_get and error statuses are recorded as responses',
  opts,
  async () => {
    await withHarness(async ({ sql, base, received }) => {
      const [{ id }] = await sql`select net.http_get(${
        base + '/missing'
      }, '{"q": "a b"}')::int as id`;
      const response = await responseFor(sql, id);
      assert.equal(received.find((r) => r.path === '/missing?q=a%20b')?.method, 'GET');
      assert.equal(response.status_code, 404);
      assert.equal(response.error_msg, null);
    });
  },
);

Deno.test('pg_net worker - a rolled-back http_post is never sent', opts, async () => {
  await withHarness(async ({ sql, base, received }) => {
    await sql.begin(async (tx) => {
      await tx`select net.http_post(${base + '/rolled-back'}, '{}')`;
      await tx`select pg_sleep(0.5)`; // give the worker time to (wrongly) pick it up
      throw new Error('roll back');
    }).catch((err: Error) => assert.equal(err.message, 'roll back'));
    // requests are delivered in id order: once a later one is recorded, an earlier one would be too
    const [{ id }] = await sql`select net.http_post(${base + '/after'}, '{}')::int as id`;
    await responseFor(sql, id);
    assert.ok(received.some((r) => r.path === '/after'));
    assert.equal(received.filter((r) => r.path === '/rolled-back').length, 0);
  });
});

Deno.test(
  'pg_net worker - a request slower than timeout_milliseconds is recorded as timed out',
  opts,
  async () => {
    await withHarness(async ({ sql, base }) => {
      const [{ id }] = await sql`
      select net.http_post(${base + '/slow'}, '{}', timeout_milliseconds := 200)::int as id`;
      const response = await responseFor(sql, id);
      assert.equal(response.timed_out, true);
      assert.equal(response.status_code, null);
      assert.match(response.error_msg ?? '', /^Timeout of 200 ms reached/);
    });
  },
);

Deno.test(
  'pg_net worker - an unreachable host is recorded with an error message',
  opts,
  async () => {
    await withHarness(async ({ sql }) => {
      const [{ id }] = await sql`select net.http_get('http://127.0.0.1:9/closed')::int as id`;
      const response = await responseFor(sql, id);
      assert.equal(response.status_code, null);
      assert.equal(response.timed_out, false);
      assert.ok((response.error_msg ?? '').length > 0);
    });
  },
);
