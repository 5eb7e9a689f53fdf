// Picks the Redis transport from env, in one place: plain Redis over TCP for self-hosting and the
// local stack (TALLYQ_REDIS_URL, wins), Upstash REST in production (UPSTASH_REDIS_REST_URL/TOKEN).
//
// Redis is optional, the same way for every function (`redisFromEnv`): without it a function still
// starts; rate limits are off, the Textract governor is off (workers pace themselves with in-call
// retries on throttling), and /health reports redis as `not_configured`. Each function says so once
// in its log at start. A half-configured Upstash (URL without token) is a configuration error.
import { z } from 'npm:zod@^3.24.4';
import { ConfigError, loadEnv } from '../config/env.ts';
import type { ScriptRunner } from './script-runner.ts';
import { createTcpRedis } from './tcp.ts';
import { createUpstashRedis } from './upstash.ts';

export const redisEnv = {
  TALLYQ_REDIS_URL: z.string().url().optional(),
  UPSTASH_REDIS_REST_URL: z.string().url().optional(),
  UPSTASH_REDIS_REST_TOKEN: z.string().optional(),
};

/** What tallyq needs of Redis: Lua scripts (rate limits, Textract governor) and a liveness probe. */
export type RedisClient = ScriptRunner & { ping(): Promise<unknown> };

export type RedisConfig =
  | { transport: 'tcp'; url: string }
  | { transport: 'upstash'; url: string; token: string };

/** The configured Redis, or null when none is; validated through zod like every variable. */
export function loadRedisConfig(
  source: Record<string, string | undefined> = Deno.env.toObject(),
): RedisConfig | null {
  const env = loadEnv(redisEnv, source);
  if (env.TALLYQ_REDIS_URL) return { transport: 'tcp', url: env.TALLYQ_REDIS_URL };
  if (env.UPSTASH_REDIS_REST_URL || env.UPSTASH_REDIS_REST_TOKEN) {
    if (!env.UPSTASH_REDIS_REST_URL || !env.UPSTASH_REDIS_REST_TOKEN) {
      throw new ConfigError(
        'Invalid configuration: UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN go together',
      );
    }
    return {
      transport: 'upstash',
      url: env.UPSTASH_REDIS_REST_URL,
      token: env.UPSTASH_REDIS_REST_TOKEN,
    };
  }
  return null;
}

/** True when either Redis transport is fully configured. */
export function redisConfigured(env: Record<string, string | undefined>): boolean {
  return loadRedisConfig(env) !== null;
}

export function connectRedis(env: Record<string, string | undefined>): RedisClient {
  const config = loadRedisConfig(env);
  if (!config) {
    throw new Error(
      'Redis is not configured: set TALLYQ_REDIS_URL or UPSTASH_REDIS_REST_URL/TOKEN',
    );
  }
  return config.transport === 'tcp'
    ? createTcpRedis(config.url)
    : createUpstashRedis({ url: config.url, token: config.token });
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
