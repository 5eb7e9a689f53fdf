// Polling with backoff: poll quickly while something is changing, slow down while nothing does,
// and never hammer the API (capped, with jitter so many tabs do not poll in step).

export type BackoffOptions = {
  initialMs: number;
  maxMs: number;
  factor: number;
  /** 0..1: the share of each delay that is randomised (0 = exact). */
  jitter: number;
};

export const DEFAULT_BACKOFF: BackoffOptions = {
  initialMs: 1000,
  maxMs: 10000,
  factor: 1.5,
  jitter: 0.2,
};

/** The delay before poll number `attempt` (0-based) since the last change. */
export function backoffDelay(
  attempt: number,
  opts: BackoffOptions = DEFAULT_BACKOFF,
  random: () => number = Math.random,
): number {
  const base = Math.min(opts.maxMs, opts.initialMs * Math.pow(opts.factor, Math.max(0, attempt)));
  const spread = base * opts.jitter;
  return Math.round(Math.min(opts.maxMs, base - spread + 2 * spread * random()));
}

/** The clock polling uses (tests pass a fake one). */
export type Timers = { set(fn: () => void, ms: number): unknown; clear(id: unknown): void };

export type Poll = { stop(): void; poke(): void };

/**
 * Calls `tick` repeatedly. `tick` returns 'changed' (poll again soon), 'same' (back off) or
 * 'stop'. A failing tick backs off too. `poke()` polls now and resets the backoff.
 */
export function startPolling(
  tick: () => Promise<'changed' | 'same' | 'stop'>,
  opts: BackoffOptions = DEFAULT_BACKOFF,
  timers: Timers = {
    set: (fn, ms) => setTimeout(fn, ms),
    clear: (id) => clearTimeout(id as number),
  },
): Poll {
  let attempt = 0;
  let stopped = false;
  let timer: unknown;
  const schedule = (ms: number) => {
    if (stopped) return;
    if (timer !== undefined) timers.clear(timer);
    timer = timers.set(run, ms);
  };
  const run = async () => {
    timer = undefined;
    if (stopped) return;
    let result: 'changed' | 'same' | 'stop';
    try {
      result = await tick();
    } catch {
      result = 'same';
    }
    if (result === 'stop') return void (stopped = true);
    attempt = result === 'changed' ? 0 : attempt + 1;
    schedule(backoffDelay(attempt, opts));
  };
  schedule(backoffDelay(0, opts));
  return {
    stop() {
      stopped = true;
      if (timer !== undefined) timers.clear(timer);
    },
    poke() {
      if (stopped) return;
      attempt = 0;
      schedule(0);
    },
  };
}
