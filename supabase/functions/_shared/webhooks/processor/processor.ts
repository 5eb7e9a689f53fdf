// Webhook processor: drains the `webhook_events` pgmq queue in batches. For each stored event it
// works out the projection change (pure: `projectEvent`), then settles the whole batch in one
// database call, which applies projections order-safely (newest provider time wins; message
// statuses only move forward), archives, schedules retries with backoff or dead-letters.
import { loadQueueConsumerConfig, type QueueConsumerConfig } from '../../queue/config.ts';
import { backoffSeconds } from '../../queue/backoff.ts';
import { drainQueue, type DrainSummary, mapConcurrent } from '../../queue/drain.ts';
import { traceMessage } from '../../queue/trace.ts';

export type ClaimedWebhookEvent = {
  msg_id: number;
  read_ct: number;
  webhook_event_id: number;
  provider: 'stripe' | 'whatsapp' | 'momo' | 'revolut';
  event_id: string;
  event_type: string;
  occurred_at: string;
  payload: Record<string, unknown>;
  attempts: number;
  /** The delivery that stored it (its queue message's correlation_id), when known. */
  correlation_id?: string | null;
};

export type PaymentObjectProjection = {
  kind: 'payment_object';
  object_id: string;
  object_type: string;
  status: string | null;
  livemode: boolean | null;
  data: Record<string, unknown>;
};

export type MessageStatusProjection = {
  kind: 'message_status';
  message_id: string;
  recipient_id: string | null;
  status: MessageStatus;
  errors: unknown[] | null;
};

export type Projection = PaymentObjectProjection | MessageStatusProjection;

export type WebhookOutcome = {
  msg_id: number;
  webhook_event_id: number;
  outcome: 'done' | 'retry' | 'fail';
  projection?: Projection | null;
  /** Money the event moves (payments domain): applied with the batch, see store.ts. */
  money?: Record<string, unknown> | null;
  error?: string;
  delay_seconds?: number;
};

/** The two database calls per batch (see 20261122000330_webhook_processor_api.sql). */
export interface ProcessorQueue {
  /** Messages delivered more than maxDeliveries times without a settle are dead-lettered. */
  claim(qty: number, vtSeconds: number, maxDeliveries: number): Promise<ClaimedWebhookEvent[]>;
  settle(outcomes: WebhookOutcome[], maxAttempts: number): Promise<Record<string, number>>;
}

/** An event that can never be processed (malformed payload): dead-lettered without retries. */
export class PermanentEventError extends Error {
  override name = 'PermanentEventError';
}

// ---------------------------------------------------------------------------------------------
// Projections (pure)
// ---------------------------------------------------------------------------------------------

export const MESSAGE_STATUSES = ['sent', 'delivered', 'read', 'failed'] as const;
export type MessageStatus = typeof MESSAGE_STATUSES[number];

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

/**
 * The projection change an event asks for, or null when it changes no projection (inbound
 * messages, Stripe objects without an id such as `balance`, statuses we do not track).
 * Throws PermanentEventError when the payload cannot be interpreted at all.
 */
export function projectEvent(event: ClaimedWebhookEvent): Projection | null {
  if (event.provider === 'stripe') {
    const data = event.payload.data;
    if (!isRecord(data) || !isRecord(data.object)) {
      throw new PermanentEventError(`Stripe event ${event.event_id} has no data.object`);
    }
    const object = data.object;
    const objectId = str(object.id);
    if (!objectId) return null;
    return {
      kind: 'payment_object',
      object_id: objectId,
      object_type: str(object.object) ?? event.event_type.split('.')[0],
      status: str(object.status),
      livemode: typeof event.payload.livemode === 'boolean' ? event.payload.livemode : null,
      data: object,
    };
  }
  if (event.provider === 'whatsapp') {
    if (!event.event_type.startsWith('status.')) return null;
    const status = event.payload.status;
    if (!isRecord(status) || !str(status.id) || !str(status.status)) {
      throw new PermanentEventError(`WhatsApp status event ${event.event_id} has no status id`);
    }
    const value = status.status as string;
    if (!(MESSAGE_STATUSES as readonly string[]).includes(value)) return null;
    return {
      kind: 'message_status',
      message_id: status.id as string,
      recipient_id: str(status.recipient_id),
      status: value as MessageStatus,
      errors: Array.isArray(status.errors) ? status.errors : null,
    };
  }
  if (event.provider === 'momo' || event.provider === 'revolut') return null; // money only
  throw new PermanentEventError(`Unknown provider ${String(event.provider)}`);
}

// ---------------------------------------------------------------------------------------------
// Processor
// ---------------------------------------------------------------------------------------------

/** The queue consumer settings (queue/config.ts) without the secret the handler checks. */
export type ProcessorConfig = Omit<QueueConsumerConfig, 'secret'>;

export interface ProcessorDeps {
  queue: ProcessorQueue;
  /** Seam for tests and future side effects; defaults to projectEvent. */
  project?: (event: ClaimedWebhookEvent) => Projection | null | Promise<Projection | null>;
  /** The money an event moves (wired to the payments domain by webhook-processor/index.ts). */
  projectMoney?: (event: ClaimedWebhookEvent) => Record<string, unknown> | null;
  now?: () => number;
  random?: () => number;
  log?: (msg: string, extra?: Record<string, unknown>) => void;
}

export type ProcessorSummary = DrainSummary;

export function createWebhookProcessor(config: ProcessorConfig, deps: ProcessorDeps) {
  const now = deps.now ?? Date.now;
  const random = deps.random ?? Math.random;
  const log = deps.log ?? (() => {});
  const project = deps.project ?? projectEvent;

  async function outcomeFor(event: ClaimedWebhookEvent): Promise<WebhookOutcome> {
    const ids = { msg_id: event.msg_id, webhook_event_id: event.webhook_event_id };
    try {
      const projection = await project(event);
      const money = deps.projectMoney?.(event) ?? null;
      return { ...ids, outcome: 'done', projection, ...(money ? { money } : {}) };
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (err instanceof PermanentEventError) return { ...ids, outcome: 'fail', error: message };
      return {
        ...ids,
        outcome: 'retry',
        error: message,
        delay_seconds: backoffSeconds(
          event.attempts + 1,
          config.backoffBaseSeconds,
          config.backoffMaxSeconds,
          random,
        ),
      };
    }
  }

  /** Drains until the queue is empty or the budget is spent. Events run one at a time. */
  function run(): Promise<ProcessorSummary> {
    return drainQueue<ClaimedWebhookEvent, WebhookOutcome>(
      {
        claim: () =>
          deps.queue.claim(config.batchSize, config.visibilitySeconds, config.maxDeliveries),
        work: (batch) =>
          mapConcurrent(batch, 1, (e) =>
            traceMessage(
              e.correlation_id,
              {
                webhook_event_id: e.webhook_event_id,
                msg_id: e.msg_id,
                provider: e.provider,
                event_type: e.event_type,
              },
              log,
              () => outcomeFor(e),
            )),
        settle: async (batch, outcomes) => {
          const counts = await deps.queue.settle(outcomes, config.maxAttempts);
          log('webhook batch settled', { claimed: batch.length, counts });
          return counts;
        },
      },
      config.budgetMs,
      now,
    );
  }

  return { run, outcomeFor };
}

// ---------------------------------------------------------------------------------------------
// Config
// ---------------------------------------------------------------------------------------------

export type WebhookProcessorConfig = ProcessorConfig & { secret: string };

/** WEBHOOK_PROCESSOR_* (batch, visibility, attempts, budget, backoff) and WORKER_SECRET. */
export function loadWebhookProcessorConfig(
  source: Record<string, string | undefined> = Deno.env.toObject(),
): WebhookProcessorConfig {
  return loadQueueConsumerConfig(
    'WEBHOOK_PROCESSOR',
    { batchSize: 50, maxBatchSize: 500, visibilitySeconds: 30 },
    source,
  );
}
