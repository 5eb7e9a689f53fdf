// WorkerQueue over Postgres: private.claim_receipt_batch / private.settle_receipt_batch, each one
// pipelined transaction run as service_role.
import { asServiceRole, type Sql } from '../../db/client.ts';
import { settleBatch } from '../../queue/settle.ts';
import type { ClaimedReceipt, SettledOutcome, WorkerQueue } from './worker.ts';

export function postgresWorkerQueue(sql: Sql): WorkerQueue {
  return {
    async claim(qty, vtSeconds, maxDeliveries) {
      const rows = await asServiceRole(
        sql,
        (tx) =>
          tx`select * from private.claim_receipt_batch(${qty}::integer, ${vtSeconds}::integer,
                                                       ${maxDeliveries}::integer)`,
      );
      return rows as unknown as ClaimedReceipt[];
    },
    settle: (outcomes: SettledOutcome[], maxAttempts) =>
      settleBatch(sql, 'private.settle_receipt_batch', outcomes, maxAttempts),
  };
}
