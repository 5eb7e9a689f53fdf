// Redis over Upstash's REST API (@upstash/redis) for production edge functions. Retries and
// timeouts are kept short so the rate-limit middleware can apply the route's fail mode quickly.

import { Redis } from 'npm:@upstash/redis@^1.34.9';
import { evalWithFallback } from './script-cache.ts';
import type { ScriptRunner } from './script-runner.ts';

export interface UpstashRedis extends ScriptRunner {
  ping(): Promise<unknown>;
  readonly client: Redis;
}

export interface UpstashRedisConfig {
  url: string;
  token: string;
  /** Per HTTP request. Default 1000 ms. */
  timeoutMs?: number;
  /** Extra attempts after a network error. Default 1. */
  retries?: number;
}

export function createUpstashRedis(config: UpstashRedisConfig): UpstashRedis {
  const timeoutMs = config.timeoutMs ?? 1000;
  const client = new Redis({
    url: config.url,
    token: config.token,
    retry: { retries: config.retries ?? 1, backoff: () => 50 },
    signal: () => AbortSignal.timeout(timeoutMs),
    enableTelemetry: false,
  });
  return {
    client,
    eval: (script, keys, args) =>
      evalWithFallback(
        script,
        (sha) => client.evalsha(sha, keys, args),
        () => client.eval(script, keys, args),
      ),
    ping: () => client.ping(),
  };
}
