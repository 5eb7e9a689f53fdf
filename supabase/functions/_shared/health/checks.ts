// Health model: each dependency is probed with a deadline; the database is required, Redis is
// not (without it rate limits fail open or closed per route), so Redis down means "degraded".
// A dependency the deployment chose not to configure (no Redis) is `not_configured`: not a fault.

export type CheckState = 'ok' | 'down' | 'not_configured';
export type HealthReport = {
  status: 'ok' | 'degraded' | 'down';
  checks: Record<string, { status: CheckState; latency_ms: number; error?: string }>;
};

/** `run: null` = not configured in this deployment (reported, never probed). */
export type Probe = { name: string; required: boolean; run: (() => Promise<unknown>) | null };

export async function runProbes(probes: Probe[], timeoutMs = 2000): Promise<HealthReport> {
  const results = await Promise.all(probes.map(async (probe) => {
    const started = performance.now();
    const run = probe.run;
    if (run === null) return { probe, status: 'not_configured' as const, latency_ms: 0 };
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      await Promise.race([
        run(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
      return { probe, status: 'ok' as const, latency_ms: performance.now() - started };
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      return { probe, status: 'down' as const, latency_ms: performance.now() - started, error };
    } finally {
      clearTimeout(timer);
    }
  }));
  const checks: HealthReport['checks'] = {};
  for (const r of results) {
    checks[r.probe.name] = {
      status: r.status,
      latency_ms: Math.round(r.latency_ms * 10) / 10,
      ...(r.error ? { error: r.error } : {}),
    };
  }
  const requiredDown = results.some((r) => r.probe.required && r.status === 'down');
  const anyDown = results.some((r) => r.status === 'down');
  return { status: requiredDown ? 'down' : anyDown ? 'degraded' : 'ok', checks };
}

/** 503 only when a required dependency is down, so load balancers keep a degraded instance. */
export function healthStatusCode(report: HealthReport): number {
  return report.status === 'down' ? 503 : 200;
}
