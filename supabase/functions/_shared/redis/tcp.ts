// Redis over TCP (ioredis) for self-hosting and the local stack. Fails fast when Redis is down so
// the rate-limit middleware can apply the route's fail mode instead of hanging the request.

import { Redis as IORedis } from 'npm:ioredis@^5.6.1';
import { evalWithFallback } from './script-cache.ts';
import type { ScriptRunner } from './script-runner.ts';

export interface TcpRedis extends ScriptRunner {
  ping(): Promise<unknown>;
  quit(): Promise<void>;
  readonly client: IORedis;
}

export interface TcpRedisOptions {
  /** Upper bound for one command, queueing included. Default 1000 ms. */
  commandTimeoutMs?: number;
  connectTimeoutMs?: number;
}

export function createTcpRedis(url: string, options: TcpRedisOptions = {}): TcpRedis {
  const client = new IORedis(url, {
    // Queue while (re)connecting, but never for long: commandTimeout bounds every call and a
    // single retry per request keeps a dead Redis from stalling requests.
    enableOfflineQueue: true,
    maxRetriesPerRequest: 1,
    commandTimeout: options.commandTimeoutMs ?? 1000,
    connectTimeout: options.connectTimeoutMs ?? 1000,
    retryStrategy: (times: number) => Math.min(50 * times, 1000),
    lazyConnect: false,
  });
  client.on('error', () => {}); // surfaced per command (and to /health) instead of crashing
  return {
    client,
    eval: (script, keys, args) =>
      evalWithFallback(
        script,
        (sha) => client.evalsha(sha, keys.length, ...keys, ...args),
        () => client.eval(script, keys.length, ...keys, ...args),
      ),
    ping: () => client.ping(),
    quit: async () => {
      try {
        await client.quit();
      } catch {
        client.disconnect();
      }
    },
  };
}
