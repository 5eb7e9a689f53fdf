// The database half of settling a batch, shared by every queue consumer: one call of the queue's
// settle function (`private.settle_<queue>_batch(p_outcomes jsonb, p_max_attempts integer)`,
// returning counts per outcome) as service_role, in one round trip however large the batch.
import type postgres from 'npm:postgres@^3.4.5';
import { asServiceRole, type Sql } from '../db/client.ts';

export async function settleBatch(
  sql: Sql,
  settleFunction: string,
  outcomes: readonly object[],
  maxAttempts: number,
): Promise<Record<string, number>> {
  if (outcomes.length === 0) return {};
  const rows = await asServiceRole(
    sql,
    (tx) =>
      tx`select ${tx(settleFunction)}(${
        sql.json(outcomes as unknown as postgres.JSONValue)
      }, ${maxAttempts}::integer) as counts`,
  );
  return (rows[0]?.counts ?? {}) as Record<string, number>;
}
