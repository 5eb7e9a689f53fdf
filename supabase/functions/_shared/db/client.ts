// One Postgres client per function instance (SUPABASE_DB_URL), and the two seams every statement
// goes through: asUser (a transaction as the calling user, so Row Level Security applies exactly
// as through PostgREST) and asServiceRole (the workers' and webhooks' privileged calls).
import postgres from 'npm:postgres@^3.4.5';

export type Sql = postgres.Sql;
export type TxSql = postgres.TransactionSql;

export function createDb(url: string, options: { max?: number } = {}): Sql {
  return postgres(url, {
    max: options.max ?? 5,
    idle_timeout: 20,
    // Transaction-mode poolers (Supavisor) do not keep prepared statements.
    prepare: false,
    onnotice: () => {},
    connection: { application_name: 'tallyq-functions' },
  });
}

export type Claims = { sub?: string; role: string; [key: string]: unknown };

/**
 * Runs `fn` in a transaction under the caller's database role and JWT claims
 * (transaction-local, like PostgREST), so policies see auth.uid() and auth.role().
 */
export function asUser<T>(sql: Sql, claims: Claims, fn: (tx: TxSql) => Promise<T>): Promise<T> {
  const role = claims.role === 'service_role'
    ? 'service_role'
    : claims.role === 'authenticated'
    ? 'authenticated'
    : 'anon';
  return sql.begin(async (tx) => {
    await actAs(tx, role, claims);
    return await fn(tx);
  }) as Promise<T>;
}

const SERVICE_ROLE: Claims = { role: 'service_role' };

/**
 * Runs one statement as service_role in its own transaction. The role switch and the statement
 * are pipelined: one round trip, however large the batch the statement carries.
 */
export async function asServiceRole<T extends readonly postgres.MaybeRow[]>(
  sql: Sql,
  statement: (tx: TxSql) => postgres.PendingQuery<T>,
): Promise<T> {
  const [, rows] = await sql.begin((
    tx,
  ) => [actAs(tx, 'service_role', SERVICE_ROLE), statement(tx)]);
  return rows as unknown as T;
}

/** The transaction-local role and JWT claims PostgREST would set for this caller. */
function actAs(tx: TxSql, role: string, claims: Claims) {
  return tx`select set_config('role', ${role}, true),
                   set_config('request.jwt.claims', ${JSON.stringify(claims)}, true)`;
}
