// Test and bench helper: a real Redis to run against. Uses TALLYQ_REDIS_URL when set (the test
// harness passes one), otherwise starts a private, throw-away redis-server on a free port.

export interface TestRedis {
  url: string;
  /** Stops the server if this helper started it. */
  stop(): Promise<void>;
}

export function freePort(): number {
  const listener = Deno.listen({ hostname: '127.0.0.1', port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const conn = await Deno.connect({ hostname: '127.0.0.1', port });
      conn.close();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 25));
    }
  }
  throw new Error(`redis-server did not listen on ${port} within ${timeoutMs} ms`);
}

export async function useTestRedis(): Promise<TestRedis> {
  const fromEnv = Deno.env.get('TALLYQ_REDIS_URL');
  if (fromEnv) return { url: fromEnv, stop: () => Promise.resolve() };
  const port = freePort();
  const child = new Deno.Command('redis-server', {
    args: ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    stdout: 'null',
    stderr: 'null',
  }).spawn();
  await waitForPort(port, 5000);
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: async () => {
      try {
        child.kill('SIGTERM');
      } catch { /* already gone */ }
      await child.status;
    },
  };
}

/** A port nothing listens on, for "Redis is down" tests. */
export function deadRedisUrl(): string {
  return `redis://127.0.0.1:${freePort()}`;
}
