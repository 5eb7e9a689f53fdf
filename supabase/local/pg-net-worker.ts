// Local stand-in for pg_net's background worker (never deployed). Delivers the requests that
// net.http_get/http_post/http_delete queue in net.http_request_queue and records each outcome in
// net._http_response, like pg_net does:
//   - wakes on NOTIFY pg_net_request_queue (sent by a trigger, so only at commit: a rolled-back
//     request is never seen) and polls every 250 ms as a fallback;
//   - claims rows with DELETE … FOR UPDATE SKIP LOCKED (at-most-once, like pg_net), sends them
//     concurrently with each row's timeout_milliseconds;
//   - records status_code/content_type/headers/content, or timed_out / error_msg on failure;
//   - deletes responses older than the TTL (pg_net.ttl, 6 hours by default).
//
// Usage: SUPABASE_DB_URL=postgresql://postgres:postgres@127.0.0.1:54322/postgres \
//          deno run -A supabase/local/pg-net-worker.ts
// Optional env: PG_NET_POLL_INTERVAL_MS (250), PG_NET_BATCH_SIZE (200), PG_NET_TTL_SECONDS (21600).

import { Buffer } from 'node:buffer';
import postgres from 'npm:postgres@^3.4.5';
import { z } from 'npm:zod@^3.24.4';

/** pg_net's check_worker_is_up() stand-in looks for sessions with this application_name. */
export const WORKER_APPLICATION_NAME = 'pg_net worker';
const CHANNEL = 'pg_net_request_queue';

export type PgNetWorkerOptions = {
  dbUrl: string;
  pollIntervalMs?: number;
  batchSize?: number;
  ttlSeconds?: number;
  log?: (message: string) => void;
};

export type PgNetWorker = {
  /** Claims and delivers everything queued now; resolves when those responses are recorded. */
  drain(): Promise<void>;
  stop(): Promise<void>;
};

type QueuedRequest = {
  id: string;
  method: string;
  url: string;
  headers: Record<string, string> | null;
  body: Uint8Array | null;
  timeout_milliseconds: number;
};

type Outcome = {
  id: string;
  status_code: number | null;
  content_type: string | null;
  headers: Record<string, string> | null;
  content: string | null;
  timed_out: boolean;
  error_msg: string | null;
};

/** Sends one request; never throws, failures become timed_out / error_msg like pg_net's. */
export async function deliver(request: QueuedRequest): Promise<Outcome> {
  const started = performance.now();
  const failed = (timedOut: boolean, message: string): Outcome => ({
    id: request.id,
    status_code: null,
    content_type: null,
    headers: null,
    content: null,
    timed_out: timedOut,
    error_msg: message,
  });
  try {
    const headers = new Headers();
    for (const [name, value] of Object.entries(request.headers ?? {})) {
      headers.set(name, String(value));
    }
    const response = await fetch(request.url, {
      method: request.method.toUpperCase(),
      headers,
      body: request.body === null ? undefined : Buffer.from(request.body),
      signal: AbortSignal.timeout(request.timeout_milliseconds),
      redirect: 'follow',
    });
    const content = await response.text();
    return {
      id: request.id,
      status_code: response.status,
      content_type: response.headers.get('content-type'),
      headers: Object.fromEntries(response.headers),
      content,
      timed_out: false,
      error_msg: null,
    };
  } catch (err) {
    const elapsed = (performance.now() - started).toFixed(3);
    if (err instanceof DOMException && err.name === 'TimeoutError') {
      return failed(
        true,
        `Timeout of ${request.timeout_milliseconds} ms reached. Total time: ${elapsed} ms`,
      );
    }
    return failed(false, err instanceof Error ? err.message : String(err));
  }
}

export async function startPgNetWorker(options: PgNetWorkerOptions): Promise<PgNetWorker> {
  const pollIntervalMs = options.pollIntervalMs ?? 250;
  const batchSize = options.batchSize ?? 200;
  const ttlSeconds = options.ttlSeconds ?? 21600;
  const log = options.log ?? ((message: string) => console.error(`[pg-net-worker] ${message}`));
  const sql = postgres(options.dbUrl, {
    max: 4,
    prepare: false,
    onnotice: () => {},
    connection: { application_name: WORKER_APPLICATION_NAME },
  });

  let stopped = false;
  let running: Promise<void> | null = null;
  let again = false;
  let lastCleanup = 0;
  let lastError = '';

  async function claim(): Promise<QueuedRequest[]> {
    return await sql<QueuedRequest[]>`
      delete from net.http_request_queue
      where id in (
        select id from net.http_request_queue order by id limit ${batchSize} for update skip locked
      )
      returning id::text, method::text, url, headers, body, timeout_milliseconds`;
  }

  async function record(outcome: Outcome): Promise<void> {
    await sql`
      insert into net._http_response
        (id, status_code, content_type, headers, content, timed_out, error_msg)
      values (
        ${outcome.id}::bigint, ${outcome.status_code}, ${outcome.content_type},
        ${outcome.headers === null ? null : sql.json(outcome.headers)},
        ${outcome.content}, ${outcome.timed_out}, ${outcome.error_msg}
      )`;
  }

  async function cleanup(): Promise<void> {
    if (Date.now() - lastCleanup < 10_000) return;
    lastCleanup = Date.now();
    await sql`delete from net._http_response
              where created < now() - make_interval(secs => ${ttlSeconds})`;
  }

  async function cycle(): Promise<void> {
    do {
      again = false;
      const batch = await claim();
      await Promise.all(batch.map(async (request) => await record(await deliver(request))));
      if (batch.length === batchSize) again = true;
    } while (again && !stopped);
    await cleanup();
  }

  /** Runs one delivery cycle at a time; a wake-up during a cycle schedules another pass. */
  function tick(): Promise<void> {
    if (running) {
      again = true;
      return running;
    }
    running = cycle()
      .then(() => {
        lastError = '';
      })
      .catch((err) => {
        const message = err instanceof Error ? err.message : String(err);
        // e.g. pg_net not created yet: say it once, keep polling
        if (message !== lastError) log(`delivery cycle failed: ${message}`);
        lastError = message;
      })
      .finally(() => {
        running = null;
        if (again && !stopped) void tick();
      });
    return running;
  }

  const listener = await sql.listen(CHANNEL, () => void tick());
  const timer = setInterval(() => void tick(), pollIntervalMs);
  void tick();

  return {
    async drain() {
      while (running) await running;
      await tick();
      while (running) await running;
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      while (running) await running;
      await listener.unlisten();
      await sql.end({ timeout: 5 });
    },
  };
}

const envSchema = z.object({
  SUPABASE_DB_URL: z.string().url(),
  PG_NET_POLL_INTERVAL_MS: z.coerce.number().int().positive().default(250),
  PG_NET_BATCH_SIZE: z.coerce.number().int().positive().default(200),
  PG_NET_TTL_SECONDS: z.coerce.number().int().positive().default(21600),
});

if (import.meta.main) {
  const parsed = envSchema.safeParse(Deno.env.toObject());
  if (!parsed.success) {
    const missing = parsed.error.issues.map((issue) => issue.path.join('.')).join(', ');
    console.error(`[pg-net-worker] invalid or missing environment: ${missing}`);
    Deno.exit(1);
  }
  const env = parsed.data;
  const worker = await startPgNetWorker({
    dbUrl: env.SUPABASE_DB_URL,
    pollIntervalMs: env.PG_NET_POLL_INTERVAL_MS,
    batchSize: env.PG_NET_BATCH_SIZE,
    ttlSeconds: env.PG_NET_TTL_SECONDS,
  });
  console.error('[pg-net-worker] delivering net.http_request_queue');
  const shutdown = async () => {
    await worker.stop();
    Deno.exit(0);
  };
  Deno.addSignalListener('SIGINT', shutdown);
  Deno.addSignalListener('SIGTERM', shutdown);
}
