// POST /functions/v1/<queue consumer> (receipt-worker, webhook-processor): called by the enqueue
// trigger and the cron sweep through pg_net with the Vault secret. Answers 202 at once and drains
// the queue in the background (EdgeRuntime.waitUntil, as on hosted Supabase), so pg_net's short
// timeout never cuts a batch.
// `?wait=1` runs its own drain in the request and returns the summary: operators, tests and
// benchmarks use it to run several drains at once, as several hosted instances would.
import { assertSharedSecret } from '../auth/shared-secret.ts';
import { json, MethodNotAllowed, withErrors } from '../http/errors.ts';
import type { DrainSummary } from './drain.ts';
import { createLogger } from '../log/logger.ts';

type Background = (p: Promise<unknown>) => void;

// JSON lines through the PII scrubber (log/logger.ts), like every other log line
const drainLog = createLogger();

/** EdgeRuntime.waitUntil where the runtime has it; otherwise let the promise run. */
export function platformBackground(): Background {
  // deno-lint-ignore no-explicit-any
  const runtime = (globalThis as any).EdgeRuntime;
  return (p) => {
    const guarded = p.catch((err) => drainLog.error('background drain failed', { error: err }));
    if (runtime?.waitUntil) runtime.waitUntil(guarded);
  };
}

/**
 * One drain per instance at a time. A kick that arrives while a drain runs makes it look once more
 * before it stops, so a message enqueued just as the drain saw an empty queue is not left behind.
 */
export function coalescingDrain(run: () => Promise<DrainSummary>) {
  let running: Promise<DrainSummary> | null = null;
  let again = false;
  return function drain(): Promise<DrainSummary> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      let last: DrainSummary;
      do {
        again = false;
        last = await run();
      } while (again && last.stopped === 'empty');
      return last;
    })().finally(() => {
      running = null;
    });
    return running;
  };
}

export function createConsumerHandler(
  secret: string,
  run: () => Promise<DrainSummary>,
  background: Background = platformBackground(),
): (req: Request) => Promise<Response> {
  const drain = coalescingDrain(run);
  return withErrors(async (req) => {
    if (req.method !== 'POST') throw new MethodNotAllowed(['POST']);
    assertSharedSecret(req, secret);
    await req.body?.cancel();
    if (new URL(req.url).searchParams.get('wait') === '1') return json(await run());
    background(drain());
    return json({ accepted: true }, 202);
  });
}
