// The rate limiter every public function wires the same way: Redis from env (TCP or Upstash REST),
// the per-route policies, and client-IP options. Without Redis the limit is off (redis/connect.ts).
import { z } from 'npm:zod@^3.24.4';
import { loadEnv } from '../config/env.ts';
import { redisFromEnv } from '../redis/connect.ts';
import { createRateLimit, LimiterHealthTracker, type RateLimitFn } from './middleware.ts';
import { loadRateLimitConfig } from './policy.ts';
import { rejectionCounter } from './rejections.ts';
import { createSlidingWindowLimiter } from './sliding-window.ts';

/** How many proxies in front of the functions append to X-Forwarded-For (ratelimit/policy.ts). */
const clientIpEnv = {
  RATE_LIMIT_XFF_TRUSTED_HOPS: z.coerce.number().int().min(0).default(0),
};

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
    ip: { xffTrustedHops: loadEnv(clientIpEnv, source).RATE_LIMIT_XFF_TRUSTED_HOPS },
  });
}
