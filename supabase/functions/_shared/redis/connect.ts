// Picks the Redis transport from env, in one place: plain Redis over TCP for self-hosting and the
// local stack (TALLYQ_REDIS_URL), Upstash REST in production (UPSTASH_REDIS_REST_URL/TOKEN).
import { z } from 'npm:zod@^3.24.4';
import { createTcpRedis } from './tcp.ts';
import { createUpstashRedis } from './upstash.ts';
import type { ScriptRunner } from '../ratelimit/sliding-window.ts';

export const redisEnv = {
  TALLYQ_REDIS_URL: z.string().url().optional(),
  UPSTASH_REDIS_REST_URL: z.string().url().optional(),
  UPSTASH_REDIS_REST_TOKEN: z.string().optional(),
};

/** What tallyq needs of Redis: Lua scripts (rate limits, Textract governor) and a liveness probe. */
export type RedisClient = ScriptRunner & { ping(): Promise<unknown> };

export function connectRedis(env: {
  TALLYQ_REDIS_URL?: string;
  UPSTASH_REDIS_REST_URL?: string;
  UPSTASH_REDIS_REST_TOKEN?: string;
}): RedisClient {
  if (env.TALLYQ_REDIS_URL) return createTcpRedis(env.TALLYQ_REDIS_URL);
  if (env.UPSTASH_REDIS_REST_URL && env.UPSTASH_REDIS_REST_TOKEN) {
    return createUpstashRedis({
      url: env.UPSTASH_REDIS_REST_URL,
      token: env.UPSTASH_REDIS_REST_TOKEN,
    });
  }
  throw new Error('Redis is not configured: set TALLYQ_REDIS_URL or UPSTASH_REDIS_REST_URL/TOKEN');
}
