// One queue message's work, traced: it runs with the correlation id its message carries (the
// request that enqueued it, returned by the claim functions), so every log line written meanwhile
// - and by the logger's context, any nested one - names that request; and it ends with one line
// saying which message, what came of it and how long it took.
import { runWithCorrelationId } from '../log/context.ts';
import { saneCorrelationId } from '../log/correlation.ts';

export type TraceLog = (msg: string, extra?: Record<string, unknown>) => void;

/**
 * Runs `work` for one claimed message. `fields` name it (receipt_id / webhook_event_id, msg_id);
 * the closing line adds the outcome (`outcome` of the result, or `error` when it throws) and
 * duration_ms. A malformed or missing correlation id is left out, never invented.
 */
export function traceMessage<T extends { outcome: string; error?: string }>(
  correlationId: unknown,
  fields: Record<string, unknown>,
  log: TraceLog,
  work: () => Promise<T>,
  clock: () => number = () => performance.now(),
): Promise<T> {
  const id = saneCorrelationId(correlationId);
  const named = id ? { correlation_id: id, ...fields } : fields;
  const run = async () => {
    const started = clock();
    const ms = () => Math.round((clock() - started) * 10) / 10;
    try {
      const result = await work();
      log('message processed', {
        ...named,
        outcome: result.outcome,
        ...(result.error ? { error: result.error } : {}),
        duration_ms: ms(),
      });
      return result;
    } catch (err) {
      log('message failed', { ...named, error: String(err), duration_ms: ms() });
      throw err;
    }
  };
  return id ? runWithCorrelationId(id, run) : run();
}
