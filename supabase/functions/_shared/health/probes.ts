// The dependencies tallyq's health check probes, each with the deadline the runbook promises:
// database 5 s, Redis, storage and Textract 3 s.
import type { Probe } from './checks.ts';

export const DATABASE_TIMEOUT_MS = 5_000;
export const DEPENDENCY_TIMEOUT_MS = 3_000;

type Queryable = { unsafe(query: string): PromiseLike<unknown> };

export function databaseProbe(sql: Queryable, timeoutMs = DATABASE_TIMEOUT_MS): Probe {
  return {
    name: 'database',
    critical: true,
    timeoutMs,
    run: async () => await sql.unsafe('select 1'),
  };
}

export function redisProbe(
  redis: { ping(): Promise<unknown> },
  timeoutMs = DEPENDENCY_TIMEOUT_MS,
): Probe {
  return { name: 'redis', critical: false, timeoutMs, run: () => redis.ping() };
}

/** Asks the store about an object that need not exist: the answer proves the backend responds. */
export function storageProbe(
  store: { exists(path: string): Promise<boolean> },
  timeoutMs = DEPENDENCY_TIMEOUT_MS,
): Probe {
  return { name: 'storage', critical: false, timeoutMs, run: () => store.exists('health/probe') };
}

/**
 * Reachability of the Textract endpoint (DNS, TLS, network path): any HTTP answer counts, since an
 * unsigned GET is refused by AWS. It costs nothing and spends no Textract quota.
 */
export function textractProbe(
  endpoint: string,
  fetcher: typeof fetch = fetch,
  timeoutMs = DEPENDENCY_TIMEOUT_MS,
): Probe {
  return {
    name: 'textract',
    critical: false,
    timeoutMs,
    run: async (signal) => {
      const res = await fetcher(endpoint, { method: 'GET', signal });
      await res.body?.cancel();
      if (res.status >= 500) throw new Error(`endpoint answered ${res.status}`);
    },
  };
}

/** A dependency this deployment does not configure: reported `not_configured`, never probed. */
export function notConfiguredProbe(name: string): Probe {
  return { name, critical: false, timeoutMs: DEPENDENCY_TIMEOUT_MS, run: null };
}

/** The Textract endpoint a deployment uses: TEXTRACT_ENDPOINT, else AWS's for AWS_REGION. */
export function textractEndpointFrom(
  env: { TEXTRACT_ENDPOINT?: string; AWS_REGION?: string },
): string | undefined {
  return env.TEXTRACT_ENDPOINT ??
    (env.AWS_REGION ? `https://textract.${env.AWS_REGION}.amazonaws.com` : undefined);
}

/** Every dependency tallyq's health names, in one order; an unconfigured one says so. */
export function dependencyProbes(deps: {
  sql: Queryable;
  redis?: { ping(): Promise<unknown> } | null;
  store: { exists(path: string): Promise<boolean> };
  textractEndpoint?: string;
}): Probe[] {
  return [
    databaseProbe(deps.sql),
    deps.redis ? redisProbe(deps.redis) : notConfiguredProbe('redis'),
    storageProbe(deps.store),
    deps.textractEndpoint ? textractProbe(deps.textractEndpoint) : notConfiguredProbe('textract'),
  ];
}
