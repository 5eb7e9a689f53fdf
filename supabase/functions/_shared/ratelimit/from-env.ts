// The rate limiter every public function wires the same way: Redis from env (TCP or Upstash REST),
// the per-route policies, and client-IP options. Without Redis the limit is off, and says so once.
import { connectRedis } from '../redis/connect.ts';
import { createRateLimit, LimiterHealthTracker, type RateLimitFn } from './middleware.ts';
import { loadPolicies } from './policy.ts';
import { rejectionCounter } from './rejections.ts';
import { createSlidingWindowLimiter } from './sliding-window.ts';

export function rateLimitFromEnv(
  source: Record<string, string | undefined>,
  functionName: string,
): RateLimitFn | undefined {
  const configured = source.TALLYQ_REDIS_URL ||
    (source.UPSTASH_REDIS_REST_URL && source.UPSTASH_REDIS_REST_TOKEN);
  if (!configured) {
    console.warn(`${functionName}: no Redis configured, rate limits are off`);
    return undefined;
  }
  const redis = connectRedis(source);
  const rejections = rejectionCounter(redis);
  return createRateLimit({
    limiter: createSlidingWindowLimiter({ redis }),
    onReject: (route, now) => rejections.record(route, now),
    policies: loadPolicies(source),
    health: new LimiterHealthTracker(),
    ip: { xffTrustedHops: Number(source.RATE_LIMIT_XFF_TRUSTED_HOPS ?? 0) || 0 },
  });
}
