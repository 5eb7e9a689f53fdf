// Picks the Redis transport from env, in one place: plain Redis over TCP for self-hosting and the
// local stack (TALLYQ_REDIS_URL), Upstash REST in production (UPSTASH_REDIS_REST_URL/TOKEN).
//
// Redis is optional, the same way for every function (`redisFromEnv`): without it a function still
// starts; rate limits are off, the Textract governor is off (workers pace themselves with in-call
// retries on throttling), and /health reports redis as `not_configured`. Each function says so once
// in its log at start.
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

/** True when either Redis transport is fully configured. */
export function redisConfigured(env: Record<string, string | undefined>): boolean {
  return Boolean(
    env.TALLYQ_REDIS_URL || (env.UPSTASH_REDIS_REST_URL && env.UPSTASH_REDIS_REST_TOKEN),
  );
}

/**
 * The Redis client when configured, else null (after one log line naming what is off). Every
 * function gets Redis through this, so "no Redis" means the same thing everywhere.
 */
export function redisFromEnv(
  env: Record<string, string | undefined>,
  functionName: string,
  log: (message: string) => void = console.warn,
): RedisClient | null {
  if (redisConfigured(env)) return connectRedis(env);
  log(
    `${functionName}: no Redis configured (TALLYQ_REDIS_URL or UPSTASH_REDIS_REST_URL/TOKEN): ` +
      'rate limits and the Textract governor are off',
  );
  return null;
}
