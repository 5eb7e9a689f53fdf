// WorkerQueue over Postgres: private.claim_receipt_batch / private.settle_receipt_batch, each one
// pipelined transaction run as service_role.
import type postgres from 'npm:postgres@^3.4.5';
import { asServiceRole, type Sql } from '../../db/client.ts';
import type { ClaimedReceipt, SettledOutcome, WorkerQueue } from './worker.ts';

export function postgresWorkerQueue(sql: Sql): WorkerQueue {
  return {
    async claim(qty, vtSeconds) {
      const rows = await asServiceRole(
        sql,
        (tx) =>
          tx`select * from private.claim_receipt_batch(${qty}::integer, ${vtSeconds}::integer)`,
      );
      return rows as unknown as ClaimedReceipt[];
    },
    async settle(outcomes: SettledOutcome[], maxAttempts) {
      if (outcomes.length === 0) return {};
      const rows = await asServiceRole(
        sql,
        (tx) =>
          tx`select private.settle_receipt_batch(${
            sql.json(outcomes as unknown as postgres.JSONValue)
          }, ${maxAttempts}::integer) as counts`,
      );
      return (rows[0]?.counts ?? {}) as Record<string, number>;
    },
  };
}
