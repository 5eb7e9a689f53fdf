// Picks the Redis transport from env: Upstash REST in production (UPSTASH_REDIS_REST_URL/TOKEN),
// plain Redis over TCP for self-hosting and the local stack (TALLYQ_REDIS_URL).
import { Redis as UpstashRedis } from 'npm:@upstash/redis@^1.34.9';
import IORedis from 'npm:ioredis@^5.6.1';
import { z } from 'npm:zod@^3.24.4';

export const redisEnv = {
  TALLYQ_REDIS_URL: z.string().url().optional(),
  UPSTASH_REDIS_REST_URL: z.string().url().optional(),
  UPSTASH_REDIS_REST_TOKEN: z.string().optional(),
};

/** The small surface tallyq needs: scripts (rate limits, governor) and a liveness probe. */
export type RedisClient = {
  eval(script: string, keys: string[], args: (string | number)[]): Promise<unknown>;
  ping(): Promise<unknown>;
};

export function connectRedis(env: {
  TALLYQ_REDIS_URL?: string;
  UPSTASH_REDIS_REST_URL?: string;
  UPSTASH_REDIS_REST_TOKEN?: string;
}): RedisClient {
  if (env.TALLYQ_REDIS_URL) {
    const client = new IORedis(env.TALLYQ_REDIS_URL, {
      lazyConnect: false,
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
      connectTimeout: 1000,
    });
    client.on('error', () => {}); // surfaced per command; health reports it
    return {
      eval: (script, keys, args) => client.eval(script, keys.length, ...keys, ...args),
      ping: () => client.ping(),
    };
  }
  if (env.UPSTASH_REDIS_REST_URL && env.UPSTASH_REDIS_REST_TOKEN) {
    const client = new UpstashRedis({
      url: env.UPSTASH_REDIS_REST_URL,
      token: env.UPSTASH_REDIS_REST_TOKEN,
    });
    return {
      eval: (script, keys, args) => client.eval(script, keys, args),
      ping: () => client.ping(),
    };
  }
  throw new Error('Redis is not configured: set TALLYQ_REDIS_URL or UPSTASH_REDIS_REST_URL/TOKEN');
}
