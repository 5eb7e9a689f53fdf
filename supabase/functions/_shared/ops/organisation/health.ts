// The platform's health for the organisation overview: the same probes /health runs, as one
// status, remembered for a few seconds so a page polling the overview does not probe storage and
// Textract on every request.
import type { HealthReport } from '../../health/checks.ts';
import type { OrganisationOverview } from './contract.ts';

export function cachedHealthStatus(
  run: () => Promise<Pick<HealthReport, 'status'>>,
  ttlMs = 15_000,
  now: () => number = Date.now,
): () => Promise<OrganisationOverview['health']> {
  let cached: { at: number; value: Promise<OrganisationOverview['health']> } | null = null;
  return () => {
    if (cached && now() - cached.at < ttlMs) return cached.value;
    const value = run().then(
      (report) => ({ status: report.status }),
      // the probes never throw; if the runner itself fails, say so rather than fail the page
      () => ({ status: 'unhealthy' as const }),
    );
    cached = { at: now(), value };
    return value;
  };
}
