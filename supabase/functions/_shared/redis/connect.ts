// Picks the Redis transport from env, in one place: plain Redis over TCP for self-hosting and the
// local stack (TALLYQ_REDIS_URL, wins), Upstash REST in production (UPSTASH_REDIS_REST_URL/TOKEN).
//
// "No Redis configured" means one thing everywhere: what needs Redis is off (rate limits, the
// shared Textract TPS budget, the health probe), each function says so once at start, and the
// rest works. A half-configured Upstash (URL without token) is a configuration error, not "off".
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

/** The configured Redis, or null when none is. */
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

export function connectRedis(config: RedisConfig): RedisClient {
  return config.transport === 'tcp'
    ? createTcpRedis(config.url)
    : createUpstashRedis({ url: config.url, token: config.token });
}

/**
 * The Redis client from env, or null (after one warning naming what is off) when none is
 * configured: the one place that decides what "no Redis" means.
 */
export function redisFromEnv(
  source: Record<string, string | undefined>,
  whatIsOff: string,
  warn: (message: string) => void = console.warn,
): RedisClient | null {
  const config = loadRedisConfig(source);
  if (config) return connectRedis(config);
  warn(`no Redis configured (TALLYQ_REDIS_URL or UPSTASH_REDIS_REST_URL/TOKEN): ${whatIsOff}`);
  return null;
}
