// Global Textract request-rate governor: every worker (any number of edge-function instances)
// takes a slot from one GCRA bucket per region+operation in Redis before calling Textract, so
// together they stay under the account's TPS quota instead of collecting ThrottlingExceptions.
//
// Works over any Redis client exposing `eval(script, keys, args)`: @upstash/redis (REST) as is,
// ioredis (TCP) through `fromIoredis()`. Time comes from the Redis server (TIME), not from the
// workers' clocks, so skewed workers still share one schedule.

import { z } from 'npm:zod@^3.24.4';
import { TextractError } from './errors.ts';

/** The one Redis capability the governor needs (@upstash/redis has exactly this signature). */
export interface RedisEval {
  eval(script: string, keys: string[], args: string[]): Promise<unknown>;
}

/** Adapts ioredis (`eval(script, numKeys, ...keys, ...args)`) to RedisEval. */
export function fromIoredis(client: {
  eval(script: string, numKeys: number, ...rest: string[]): Promise<unknown>;
}): RedisEval {
  return { eval: (script, keys, args) => client.eval(script, keys.length, ...keys, ...args) };
}

export type TextractOperation =
  | 'AnalyzeExpense'
  | 'DetectDocumentText'
  | 'StartExpenseAnalysis'
  | 'GetExpenseAnalysis';

export interface RateLimit {
  /** Sustained requests per second. */
  tps: number;
  /** Requests allowed back to back after an idle period (default: ceil(tps), at least 1). */
  burst?: number;
}

/**
 * Conservative defaults below AWS's documented default quotas; set TEXTRACT_TPS to the quotas of
 * your account and region, e.g. `{"AnalyzeExpense":{"tps":5},"GetExpenseAnalysis":{"tps":5}}`.
 */
export const DEFAULT_LIMITS: Record<TextractOperation, RateLimit> = {
  AnalyzeExpense: { tps: 5 },
  DetectDocumentText: { tps: 10 },
  StartExpenseAnalysis: { tps: 5 },
  GetExpenseAnalysis: { tps: 5 },
};

/**
 * GCRA (generic cell rate algorithm) in one atomic step. The key holds the "theoretical arrival
 * time" (ms, server clock). Returns {1, 0} when a slot was taken, {0, waitMs} otherwise.
 * KEYS[1] bucket; ARGV[1] emission interval ms; ARGV[2] burst; ARGV[3] cost in slots.
 */
export const GCRA_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local stored = redis.call('GET', KEYS[1])
local tat = now
if stored then
  tat = math.max(tonumber(stored), now)
end
local new_tat = tat + interval * cost
local allow_at = new_tat - interval * burst
if now < allow_at then
  return {0, math.ceil(allow_at - now)}
end
redis.call('SET', KEYS[1], string.format('%.3f', new_tat), 'PX', math.ceil(new_tat - now) + 1)
return {1, 0}
`;

export interface AcquireResult {
  allowed: boolean;
  /** When not allowed: milliseconds until a slot frees up. */
  retryAfterMs: number;
}

export interface GovernorOptions {
  region: string;
  limits?: Partial<Record<TextractOperation, RateLimit>>;
  /** Longest `acquire()` waits in-process for a slot before giving up (default 2000 ms). */
  maxWaitMs?: number;
  keyPrefix?: string;
  sleep?: (ms: number) => Promise<void>;
}

export interface TextractGovernor {
  /** Takes a slot now, or says how long until one is free; never waits. */
  tryAcquire(op: TextractOperation): Promise<AcquireResult>;
  /**
   * Waits (at most maxWaitMs) for a slot. Throws a retryable TextractError `RateLimited` with
   * `retryAfterMs` when the wait would be longer: the caller reschedules instead of blocking.
   */
  acquire(op: TextractOperation, opts?: { maxWaitMs?: number }): Promise<{ waitedMs: number }>;
}

export function createTextractGovernor(redis: RedisEval, opts: GovernorOptions): TextractGovernor {
  const limits = { ...DEFAULT_LIMITS, ...opts.limits };
  const prefix = opts.keyPrefix ?? 'tallyq:textract:rate';
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const defaultMaxWait = opts.maxWaitMs ?? 2000;

  async function tryAcquire(op: TextractOperation): Promise<AcquireResult> {
    const limit = limits[op];
    if (!(limit.tps > 0)) throw new Error(`Rate limit for ${op} must be positive`);
    const interval = 1000 / limit.tps;
    const burst = Math.max(1, limit.burst ?? Math.ceil(limit.tps));
    const reply = await redis.eval(
      GCRA_SCRIPT,
      [`${prefix}:${opts.region}:${op}`],
      [String(interval), String(burst), '1'],
    );
    if (!Array.isArray(reply) || reply.length < 2) {
      throw new Error(`Unexpected reply from the rate-limit script: ${JSON.stringify(reply)}`);
    }
    const allowed = Number(reply[0]) === 1;
    return { allowed, retryAfterMs: allowed ? 0 : Math.max(1, Number(reply[1])) };
  }

  async function acquire(op: TextractOperation, o: { maxWaitMs?: number } = {}) {
    const maxWait = o.maxWaitMs ?? defaultMaxWait;
    let waited = 0;
    for (;;) {
      const r = await tryAcquire(op);
      if (r.allowed) return { waitedMs: waited };
      if (waited + r.retryAfterMs > maxWait) {
        throw new TextractError(
          'RateLimited',
          `Textract ${op} budget is used up; next slot in ${r.retryAfterMs} ms`,
          null,
          { retryable: true, retryAfterMs: r.retryAfterMs },
        );
      }
      // A little jitter so workers woken together do not race for the same slot.
      const pause = r.retryAfterMs + Math.floor(Math.random() * 5);
      await sleep(pause);
      waited += pause;
    }
  }

  return { tryAcquire, acquire };
}

const limitsSchema = z.record(
  z.enum(['AnalyzeExpense', 'DetectDocumentText', 'StartExpenseAnalysis', 'GetExpenseAnalysis']),
  z.object({ tps: z.number().positive(), burst: z.number().int().positive().optional() }),
);

/** Reads optional TEXTRACT_TPS (JSON, per operation) from env; throws naming the variable. */
export function loadGovernorConfig(
  env: Record<string, string | undefined>,
): Partial<Record<TextractOperation, RateLimit>> {
  const raw = env.TEXTRACT_TPS;
  if (raw === undefined || raw === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new Error('TEXTRACT_TPS must be JSON, e.g. {"AnalyzeExpense":{"tps":5}}');
  }
  const r = limitsSchema.safeParse(parsed);
  if (!r.success) throw new Error(`TEXTRACT_TPS is invalid: ${r.error.issues[0].message}`);
  return r.data;
}
