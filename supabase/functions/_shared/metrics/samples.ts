// Observations (e.g. each Textract call's milliseconds) buffered in memory and written in one
// statement per metric when the request ends, so measuring never adds a round trip per call.
import type { Sql } from '../db/client.ts';

export type SampleWriter = (metric: string, values: number[]) => Promise<unknown>;

export type SampleBuffer = {
  add(metric: string, value: number): void;
  /** Writes and clears what was buffered; a failed write is dropped, never retried forever. */
  flush(): Promise<void>;
};

export function sampleBuffer(write: SampleWriter, maxPerMetric = 10_000): SampleBuffer {
  let pending = new Map<string, number[]>();
  return {
    add(metric, value) {
      if (!Number.isFinite(value)) return;
      const values = pending.get(metric) ?? [];
      if (values.length < maxPerMetric) values.push(value);
      pending.set(metric, values);
    },
    async flush() {
      const batch = pending;
      pending = new Map();
      await Promise.all([...batch].map(([metric, values]) => write(metric, values)));
    },
  };
}

/** Writes through private.record_metric_samples (one statement per metric and flush). */
export function postgresSampleWriter(sql: Sql): SampleWriter {
  return async (metric, values) =>
    await sql`select private.record_metric_samples(${metric}, ${values}::float8[])`;
}
