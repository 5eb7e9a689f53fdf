// Postgres adapters for webhooks, each call one transaction run as service_role:
// - WebhookStore: stores verified events once by (provider, event_id) in ONE statement
//   (ON CONFLICT DO NOTHING; the table's statement trigger enqueues only the new rows).
// - ProcessorQueue: private.claim_webhook_batch / private.settle_webhook_batch
//   (supabase/migrations/20261122000330_webhook_processor_api.sql).
import type postgres from 'npm:postgres@^3.4.5';
import { asServiceRole, type Sql } from '../db/client.ts';
import type { WebhookEventRecord } from './ingest/events.ts';
import type { ClaimedWebhookEvent, ProcessorQueue, WebhookOutcome } from './processor/processor.ts';

export interface StoreResult {
  /** Events in the delivery (after removing repeats within it). */
  received: number;
  /** Events that were new; the rest had been stored by an earlier delivery. */
  stored: number;
}

export interface WebhookStore {
  insert(events: WebhookEventRecord[], verifiedAt: Date): Promise<StoreResult>;
}

/** Repeats of one (provider, event_id) within a delivery collapse to the first. */
export function uniqueEvents(events: WebhookEventRecord[]): WebhookEventRecord[] {
  const seen = new Set<string>();
  return events.filter((e) => {
    const key = `${e.provider}\u0000${e.event_id}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function postgresWebhookStore(sql: Sql): WebhookStore {
  return {
    async insert(events, verifiedAt) {
      const unique = uniqueEvents(events);
      if (unique.length === 0) return { received: 0, stored: 0 };
      const rows = await asServiceRole(
        sql,
        (tx) =>
          tx`insert into public.webhook_events
             (provider, event_id, event_type, occurred_at, payload, signature_verified_at)
           select r.provider, r.event_id, r.event_type, r.occurred_at, r.payload,
                  ${verifiedAt.toISOString()}::timestamptz
           from jsonb_to_recordset(${sql.json(unique as unknown as postgres.JSONValue)})
             as r(provider text, event_id text, event_type text, occurred_at timestamptz,
                  payload jsonb)
           on conflict (provider, event_id) do nothing
           returning id`,
      );
      return { received: unique.length, stored: rows.length };
    },
  };
}

export function postgresProcessorQueue(sql: Sql): ProcessorQueue {
  return {
    async claim(qty, vtSeconds, maxDeliveries) {
      const rows = await asServiceRole(
        sql,
        (tx) =>
          tx`select msg_id::float8 as msg_id, read_ct, webhook_event_id::float8 as webhook_event_id,
                  provider, event_id, event_type, occurred_at, payload, attempts, correlation_id
           from private.claim_webhook_batch(${qty}::integer, ${vtSeconds}::integer,
                                              ${maxDeliveries}::integer)`,
      );
      return (rows as unknown as ClaimedWebhookEvent[]).map((r) => ({
        ...r,
        occurred_at: new Date(r.occurred_at).toISOString(),
      }));
    },
    async settle(outcomes: WebhookOutcome[], maxAttempts) {
      if (outcomes.length === 0) return {};
      // Not queue/settle.ts's settleBatch: money moves in the same statement (so the same
      // transaction) that settles the events, both or neither, still one round trip.
      const money = outcomes.filter((o) => o.outcome === 'done' && o.money)
        .map((o) => ({ webhook_event_id: o.webhook_event_id, money: o.money }));
      const rows = await asServiceRole(
        sql,
        (tx) =>
          tx`select private.settle_webhook_batch(${
            sql.json(outcomes as unknown as postgres.JSONValue)
          }, ${maxAttempts}::integer) as counts,
          case when ${money.length} > 0 then private.apply_money_batch(${
            sql.json(money as unknown as postgres.JSONValue)
          }) end as money`,
      );
      return (rows[0]?.counts ?? {}) as Record<string, number>;
    },
  };
}
