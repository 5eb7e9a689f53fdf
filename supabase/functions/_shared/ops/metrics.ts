// The ops metrics document: the database's own view (private.ops_metrics: queues, receipts,
// Textract latency, settle time) plus rate-limit rejections from Redis. Prometheus text is a
// rendering of the same document (prometheus.ts), never a second computation.

export type Percentiles = { count: number; p50: number | null; p95: number | null };
export type QueueMetrics = {
  depth: number;
  in_flight: number;
  oldest_message_age_seconds: number;
  dead_lettered: number;
  dead_lettered_per_minute: number;
  processed_per_minute: number;
};
export type DatabaseMetrics = {
  generated_at: string;
  window_seconds: number;
  queues: Record<string, QueueMetrics>;
  receipts: {
    processed_per_minute: number;
    failed_per_minute: number;
    processing: number;
    settle_seconds: Percentiles;
  };
  textract: { latency_ms: Percentiles };
  ledger?: { transfers_per_minute: number; reconciliation_discrepancies: number } | null;
};
export type OpsMetrics = DatabaseMetrics & {
  rate_limit: { rejections_per_minute: Record<string, number | null> };
};

export type MetricsDeps = {
  database: () => Promise<DatabaseMetrics>;
  /** Rejections in the last minute of one route; throws when Redis is unreachable. */
  rejections?: (route: string) => Promise<number>;
  routes: readonly string[];
};

export async function collectMetrics(deps: MetricsDeps): Promise<OpsMetrics> {
  const [database, rejections] = await Promise.all([
    deps.database(),
    Promise.all(deps.routes.map(async (route) => {
      if (!deps.rejections) return [route, null] as const;
      // Redis down: the number is unknown (null), the rest of the document still answers.
      return [route, await deps.rejections(route).catch(() => null)] as const;
    })),
  ]);
  return { ...database, rate_limit: { rejections_per_minute: Object.fromEntries(rejections) } };
}
