// The rate limiter every public function wires the same way: Redis from env (TCP or Upstash REST),
// the per-route policies, and client-IP options. Without Redis the limit is off (redis/connect.ts).
import { loadClientIpOptions } from '../http/client-ip.ts';
import { redisFromEnv } from '../redis/connect.ts';
import { createRateLimit, LimiterHealthTracker, type RateLimitFn } from './middleware.ts';
import { loadRateLimitConfig } from './policy.ts';
import { rejectionCounter } from './rejections.ts';
import { createSlidingWindowLimiter } from './sliding-window.ts';

export function rateLimitFromEnv(
  source: Record<string, string | undefined>,
  functionName: string,
): RateLimitFn | undefined {
  const redis = redisFromEnv(source, functionName);
  if (!redis) return undefined;
  const rejections = rejectionCounter(redis);
  return createRateLimit({
    limiter: createSlidingWindowLimiter({ redis }),
    onReject: (route, now) => rejections.record(route, now),
    policies: loadRateLimitConfig(source),
    health: new LimiterHealthTracker(),
    ip: loadClientIpOptions(source),
  });
}
