// The drain loop every queue consumer shares: claim a batch, work it, settle it in one call,
// until the queue is empty or the time budget (the edge function's wall clock) is spent. Work
// that asked to be looked at again soon (a running Textract job, polled every
// WORKER_ASYNC_POLL_SECONDS) keeps the loop alive: when the queue looks empty it sleeps until the
// earliest such message is due and claims again, within the budget, instead of leaving it to the
// once-a-minute cron sweep.

export type DrainSummary = {
  batches: number;
  claimed: number;
  outcomes: Record<string, number>;
  stopped: 'empty' | 'budget';
  elapsed_ms: number;
};

export interface DrainSteps<M, O> {
  claim(): Promise<M[]>;
  work(batch: M[]): Promise<O[]>;
  /** Applies a batch's outcomes; returns counts per outcome kind. */
  settle(batch: M[], outcomes: O[]): Promise<Record<string, number>>;
  /** Milliseconds after which this batch's deferred messages are due again; null if none. */
  revisitAfterMs?(outcomes: O[]): number | null;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function drainQueue<M, O>(
  steps: DrainSteps<M, O>,
  budgetMs: number,
  now: () => number = Date.now,
  wait: (ms: number) => Promise<void> = sleep,
): Promise<DrainSummary> {
  const started = now();
  const summary: DrainSummary = {
    batches: 0,
    claimed: 0,
    outcomes: {},
    stopped: 'empty',
    elapsed_ms: 0,
  };
  let revisitAt: number | null = null; // when the earliest deferred message is due again
  while (true) {
    if (now() - started >= budgetMs) {
      summary.stopped = 'budget';
      break;
    }
    const batch = await steps.claim();
    if (batch.length === 0) {
      // Sleep only if the deferred work comes due inside the budget; else the sweep picks it up.
      if (revisitAt === null || revisitAt - started >= budgetMs) break;
      await wait(Math.max(0, revisitAt - now()));
      revisitAt = null;
      continue;
    }
    const outcomes = await steps.work(batch);
    const counts = await steps.settle(batch, outcomes);
    const after = steps.revisitAfterMs?.(outcomes) ?? null;
    if (after !== null) {
      const due = now() + after;
      revisitAt = revisitAt === null ? due : Math.min(revisitAt, due);
    }
    summary.batches += 1;
    summary.claimed += batch.length;
    for (const [kind, n] of Object.entries(counts)) {
      summary.outcomes[kind] = (summary.outcomes[kind] ?? 0) + Number(n);
    }
  }
  summary.elapsed_ms = now() - started;
  return summary;
}

/** Runs `fn` over `items` with at most `limit` in flight, keeping the input order in the result. */
export async function mapConcurrent<T, R>(
  items: T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(Math.max(1, limit), items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  });
  await Promise.all(lanes);
  return results;
}
