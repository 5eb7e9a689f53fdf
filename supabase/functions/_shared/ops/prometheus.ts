// Prometheus text exposition (format 0.0.4) of the ops metrics document.
import type { OpsMetrics, Percentiles } from './metrics.ts';

type Sample = { labels?: Record<string, string>; value: number | null };
type Family = { name: string; help: string; type: 'gauge'; samples: Sample[] };

const escapeLabel = (v: string) =>
  v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

function line(name: string, s: Sample): string | null {
  if (s.value === null || !Number.isFinite(s.value)) return null;
  const labels = s.labels && Object.keys(s.labels).length
    ? `{${Object.entries(s.labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}}`
    : '';
  return `${name}${labels} ${s.value}`;
}

const quantiles = (p: Percentiles, extra: Record<string, string> = {}): Sample[] => [
  { labels: { ...extra, quantile: '0.5' }, value: p.p50 },
  { labels: { ...extra, quantile: '0.95' }, value: p.p95 },
];

export function families(m: OpsMetrics): Family[] {
  const perQueue = (pick: (q: OpsMetrics['queues'][string]) => number) =>
    Object.entries(m.queues).map(([queue, q]) => ({ labels: { queue }, value: pick(q) }));
  const gauge = (name: string, help: string, samples: Sample[]): Family => ({
    name: `tallyq_${name}`,
    help,
    type: 'gauge',
    samples,
  });
  const list: Family[] = [
    gauge('queue_depth', 'Messages visible and waiting.', perQueue((q) => q.depth)),
    gauge('queue_in_flight', 'Messages read and not yet settled.', perQueue((q) => q.in_flight)),
    gauge(
      'queue_oldest_message_age_seconds',
      'Age of the oldest message in the queue.',
      perQueue((q) => q.oldest_message_age_seconds),
    ),
    gauge(
      'queue_dead_lettered',
      'Messages in the dead-letter queue.',
      perQueue((q) => q.dead_lettered),
    ),
    gauge(
      'queue_processed_per_minute',
      'Messages archived in the last minute.',
      perQueue((q) => q.processed_per_minute),
    ),
    gauge(
      'queue_dead_lettered_per_minute',
      'Messages dead-lettered in the last minute.',
      perQueue((q) => q.dead_lettered_per_minute),
    ),
    gauge('receipts_processed_per_minute', 'Receipts settled with a result in the last minute.', [
      { value: m.receipts.processed_per_minute },
    ]),
    gauge('receipts_failed_per_minute', 'Receipts failed for good in the last minute.', [
      { value: m.receipts.failed_per_minute },
    ]),
    gauge('receipts_processing', 'Receipts being processed now.', [{
      value: m.receipts.processing,
    }]),
    gauge(
      'receipt_settle_seconds',
      'Upload to result, receipts settled in the window.',
      quantiles(m.receipts.settle_seconds),
    ),
    gauge(
      'textract_latency_ms',
      'Textract call latency seen by the worker, in the window.',
      quantiles(m.textract.latency_ms),
    ),
    gauge(
      'rate_limit_rejections_per_minute',
      'Requests refused with 429 in the last minute.',
      Object.entries(m.rate_limit.rejections_per_minute).map(([route, value]) => ({
        labels: { route },
        value,
      })),
    ),
  ];
  if (m.ledger) {
    list.push(
      gauge('ledger_transfers_per_minute', 'Ledger transfers posted in the last minute.', [
        { value: m.ledger.transfers_per_minute },
      ]),
      gauge('ledger_reconciliation_discrepancies', 'Open reconciliation discrepancies.', [
        { value: m.ledger.reconciliation_discrepancies },
      ]),
    );
  }
  return list;
}

export function toPrometheus(m: OpsMetrics): string {
  const out: string[] = [];
  for (const f of families(m)) {
    out.push(`# HELP ${f.name} ${f.help}`, `# TYPE ${f.name} ${f.type}`);
    for (const s of f.samples) {
      const l = line(f.name, s);
      if (l) out.push(l);
    }
  }
  return out.join('\n') + '\n';
}

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
