// Health model: each dependency is probed with its own deadline (a hung dependency never hangs
// the check). A critical dependency down makes the service unhealthy (not ready); a non-critical
// one makes it degraded (it still serves: rate limits fail open or closed per route, OCR waits in
// the queue, reads do not touch storage).

export type CheckStatus = 'up' | 'down' | 'not_configured';
export type OverallStatus = 'healthy' | 'degraded' | 'unhealthy';

export type CheckResult = {
  status: CheckStatus;
  critical: boolean;
  latency_ms: number;
  timeout_ms: number;
  error?: string;
};

export type HealthReport = { status: OverallStatus; checks: Record<string, CheckResult> };

export type Probe = {
  name: string;
  critical: boolean;
  timeoutMs: number;
  /**
   * Resolves when the dependency answered; the signal aborts when the deadline passes. null: the
   * deployment chose not to configure it (no Redis): reported `not_configured`, never probed, not
   * a fault.
   */
  run: ((signal: AbortSignal) => Promise<unknown>) | null;
};

export class ProbeTimeout extends Error {
  constructor(ms: number) {
    super(`timed out after ${ms} ms`);
    this.name = 'ProbeTimeout';
  }
}

async function runOne(probe: Probe): Promise<CheckResult> {
  const base = { critical: probe.critical, timeout_ms: probe.timeoutMs };
  const run = probe.run;
  if (run === null) return { status: 'not_configured', latency_ms: 0, ...base };
  const started = performance.now();
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort(new ProbeTimeout(probe.timeoutMs));
      reject(new ProbeTimeout(probe.timeoutMs));
    }, probe.timeoutMs);
  });
  try {
    await Promise.race([Promise.resolve().then(() => run(controller.signal)), deadline]);
    return { status: 'up', latency_ms: elapsed(started), ...base };
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    return { status: 'down', latency_ms: elapsed(started), error, ...base };
  } finally {
    clearTimeout(timer);
  }
}

const elapsed = (started: number) => Math.round((performance.now() - started) * 10) / 10;

export async function runProbes(probes: Probe[]): Promise<HealthReport> {
  const results = await Promise.all(probes.map(runOne));
  const checks: Record<string, CheckResult> = {};
  probes.forEach((p, i) => checks[p.name] = results[i]);
  return { status: overallStatus(results), checks };
}

export function overallStatus(results: Pick<CheckResult, 'status' | 'critical'>[]): OverallStatus {
  if (results.some((r) => r.critical && r.status === 'down')) return 'unhealthy';
  if (results.some((r) => r.status === 'down')) return 'degraded';
  return 'healthy';
}

/** 503 only when unhealthy, so load balancers keep serving from a degraded instance. */
export function healthStatusCode(report: Pick<HealthReport, 'status'>): number {
  return report.status === 'unhealthy' ? 503 : 200;
}
