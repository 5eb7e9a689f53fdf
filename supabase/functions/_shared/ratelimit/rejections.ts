// Counts rate-limit rejections per route and minute in Redis (the limiter's own store), so the ops
// metrics see every instance's 429s. Keys expire after two hours; recording never fails a request.
import type { ScriptRunner } from './sliding-window.ts';

const KEY_PREFIX = 'tallyq:metrics:rate_limited';
const TTL_SECONDS = 7200;
const INCREMENT = `local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return n`;
const SUM = `local total = 0
for _, k in ipairs(KEYS) do total = total + tonumber(redis.call('GET', k) or '0') end
return total`;

const minuteOf = (ms: number) => Math.floor(ms / 60_000);
const key = (route: string, minute: number) => `${KEY_PREFIX}:${route}:${minute}`;

export type RejectionCounter = {
  record(route: string, now?: number): Promise<void>;
  /** Rejections of `route` in the last `minutes` whole minutes before `now`'s minute, plus it. */
  recent(route: string, minutes?: number, now?: number): Promise<number>;
};

export function rejectionCounter(redis: ScriptRunner): RejectionCounter {
  return {
    async record(route, now = Date.now()) {
      await redis.eval(INCREMENT, [key(route, minuteOf(now))], [TTL_SECONDS]);
    },
    async recent(route, minutes = 1, now = Date.now()) {
      const current = minuteOf(now);
      const keys = Array.from({ length: minutes + 1 }, (_, i) => key(route, current - i));
      return Number(await redis.eval(SUM, keys, []));
    },
  };
}
