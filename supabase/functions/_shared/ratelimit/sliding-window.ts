// Sliding-window rate limiter: the algorithm of @upstash/ratelimit's `slidingWindow` (count of the
// current fixed window + the previous window's count weighted by the part of it still inside the
// sliding window), decided and recorded atomically by ONE Lua script, so concurrent callers can
// never be over-admitted. Runs on any Redis that can EVAL: TCP (ioredis) or Upstash REST.

import type { ScriptRunner } from '../redis/script-runner.ts';
export type { ScriptRunner };

export interface RatePolicy {
  /** Names the counter (route), so routes never share budgets. */
  name: string;
  /** Requests allowed per window. */
  limit: number;
  /** Window length in milliseconds. */
  windowMs: number;
}

export interface LimitResult {
  success: boolean;
  limit: number;
  /** Requests still allowed right now (0 when denied). */
  remaining: number;
  /** End of the current fixed window, ms epoch (as @upstash/ratelimit reports it). */
  reset: number;
  /** When denied: how long until a request would be admitted again; 0 when allowed. */
  retryAfterMs: number;
}

/**
 * KEYS[1] current window counter, KEYS[2] previous window counter.
 * ARGV: limit, now (ms), window (ms), cost.
 * Returns {remaining | -1, current count, previous count (raw), limit}.
 *
 * Like @upstash/ratelimit it decides BEFORE incrementing (denied requests cost nothing) and floors
 * the weighted previous count. Unlike it, a request is admitted only if `weighted + current +
 * cost <= limit`, so a cost > 1 can never push the window past its limit either.
 */
export const SLIDING_WINDOW_SCRIPT = `
local currentKey  = KEYS[1]
local previousKey = KEYS[2]
local limit       = tonumber(ARGV[1])
local now         = tonumber(ARGV[2])
local window      = tonumber(ARGV[3])
local cost        = tonumber(ARGV[4])

local current  = tonumber(redis.call('GET', currentKey) or '0')
local previous = tonumber(redis.call('GET', previousKey) or '0')
local weightedPrevious = math.floor((1 - (now % window) / window) * previous)

if weightedPrevious + current + cost > limit then
  return {-1, current, previous, limit}
end

local newValue = redis.call('INCRBY', currentKey, cost)
if newValue == cost then
  -- first hit in this window: keep the counter long enough to be the next window's "previous"
  redis.call('PEXPIRE', currentKey, window * 2 + 1000)
end
return {limit - (newValue + weightedPrevious), newValue, previous, limit}
`;

export interface SlidingWindowOptions {
  redis: ScriptRunner;
  /** Key prefix. Default `tallyq:rl`. */
  prefix?: string;
  /** Clock in ms epoch; tests inject a controllable one. */
  clock?: () => number;
}

export interface SlidingWindowLimiter {
  limit(identifier: string, policy: RatePolicy, now?: number, cost?: number): Promise<LimitResult>;
}

/** Keys share a hash tag so both windows live in one Redis Cluster slot. */
export function windowKeys(prefix: string, policy: RatePolicy, identifier: string, now: number) {
  const window = Math.floor(now / policy.windowMs);
  const base = `${prefix}:{${policy.name}:${identifier}}`;
  return { window, current: `${base}:${window}`, previous: `${base}:${window - 1}` };
}

/**
 * Time until a denied request would pass, from the counts the script saw (the same floor rule).
 * The weighted previous count decays during this window; if the current window alone is full the
 * wait runs into the next window, where today's count becomes the decaying "previous".
 */
export function retryAfterMs(
  policy: RatePolicy,
  now: number,
  current: number,
  previous: number,
  cost = 1,
): number {
  const w = policy.windowMs;
  const windowStart = Math.floor(now / w) * w;
  // Smallest offset m into a window with floor((1 - m/w) * count) <= room.
  // The closed form can be off by one through float rounding, so it is corrected with the very
  // expression the Lua script evaluates (same IEEE doubles).
  const weighted = (m: number, count: number) => Math.floor((1 - m / w) * count);
  const offsetFor = (count: number, room: number) => {
    if (count <= room) return 0;
    let m = Math.min(w, Math.max(0, Math.floor(w * (1 - (room + 1) / count)) + 1));
    while (m < w && weighted(m, count) > room) m++;
    while (m > 0 && weighted(m - 1, count) <= room) m--;
    return m;
  };
  if (current + cost <= policy.limit) {
    const m = offsetFor(previous, policy.limit - current - cost);
    return Math.max(1, windowStart + m - now);
  }
  const m = offsetFor(current, policy.limit - cost);
  return Math.max(1, windowStart + w + m - now);
}

export function createSlidingWindowLimiter(options: SlidingWindowOptions): SlidingWindowLimiter {
  const prefix = options.prefix ?? 'tallyq:rl';
  const clock = options.clock ?? Date.now;
  return {
    async limit(identifier, policy, now = clock(), cost = 1) {
      if (!Number.isInteger(policy.limit) || policy.limit < 0) {
        throw new RangeError(`Rate limit for ${policy.name} must be a non-negative integer`);
      }
      if (!Number.isInteger(policy.windowMs) || policy.windowMs <= 0) {
        throw new RangeError(`Window for ${policy.name} must be a positive integer of ms`);
      }
      const keys = windowKeys(prefix, policy, identifier, now);
      const raw = await options.redis.eval(
        SLIDING_WINDOW_SCRIPT,
        [keys.current, keys.previous],
        [policy.limit, now, policy.windowMs, cost],
      );
      if (!Array.isArray(raw) || raw.length < 4) {
        throw new Error(`Unexpected rate limit script reply: ${JSON.stringify(raw)}`);
      }
      const [remaining, current, previous] = raw.map(Number);
      const success = remaining >= 0;
      return {
        success,
        limit: policy.limit,
        remaining: Math.max(0, remaining),
        reset: (keys.window + 1) * policy.windowMs,
        retryAfterMs: success ? 0 : retryAfterMs(policy, now, current, previous, cost),
      };
    },
  };
}
