// The wallet's database port: each call is one transaction run as the caller (role + JWT claims,
// as PostgREST does), carrying the request's correlation id, client IP and user agent as
// transaction-local settings for the audit log. Money moves only through the ledger functions
// (supabase/migrations/20261128210110_wallet_transfers.sql); a serialization failure or deadlock
// is retried here with a fresh transaction and never reaches the caller.
import type { Claims, Sql, TxSql } from '../db/client.ts';
import type { Account, Entry, Transfer } from './contract.ts';

export type { Account, Entry, Transfer };

/** What a ledger function answered: the transfer, or a business failure with a stable code. */
export type Outcome =
  | { ok: true; status: number; transfer: Transfer; replayed?: boolean }
  | { ok: false; status: number; error: string; message: string; replayed?: boolean };

export type TransferInput = {
  from_account_id: string;
  to_account_id: string;
  amount_minor: number;
  currency: string;
  description?: string;
  pending_timeout_seconds?: number;
};

/** Who is calling, and what the audit log should know about the request. */
export type CallContext = {
  claims: Claims;
  correlationId: string;
  clientIp?: string;
  userAgent?: string;
};

export interface WalletLedger {
  transfer(ctx: CallContext, input: TransferInput, key: string | null): Promise<Outcome>;
  post(ctx: CallContext, id: string, amount: number | null, key: string | null): Promise<Outcome>;
  void(ctx: CallContext, id: string, key: string | null): Promise<Outcome>;
  reverse(
    ctx: CallContext,
    id: string,
    description: string | null,
    key: string | null,
  ): Promise<Outcome>;
  openAccount(ctx: CallContext, currency: string): Promise<Account>;
  accounts(ctx: CallContext, at: string | null, id?: string): Promise<Account[]>;
  entries(
    ctx: CallContext,
    accountId: string,
    page: { limit: number; beforeVersion: number | null },
  ): Promise<Entry[]>;
}

/** SQLSTATEs that mean "run the whole transaction again": never an outcome. */
export const RETRYABLE_SQLSTATES = new Set(['40001', '40P01']);

export function isRetryable(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && RETRYABLE_SQLSTATES.has(code);
}

/** Runs `attempt` until it succeeds or fails with a non-retryable error (bounded, with jitter). */
export async function withRetries<T>(
  attempt: () => Promise<T>,
  maxAttempts = 8,
  onRetry: (err: unknown) => void = () => {},
  sleep = (ms: number) => new Promise((r) => setTimeout(r, ms)),
): Promise<T> {
  for (let i = 1;; i++) {
    try {
      return await attempt();
    } catch (err) {
      if (!isRetryable(err) || i >= maxAttempts) throw err;
      onRetry(err);
      await sleep(Math.random() * 5 * 2 ** i);
    }
  }
}

const ACCOUNT_COLUMNS = `
  a.id, a.kind::text as kind, a.currency, a.organisation_id,
  a.posted_balance_minor::float8 as posted_balance_minor,
  a.pending_debits_minor::float8 as pending_debits_minor,
  a.pending_credits_minor::float8 as pending_credits_minor,
  (a.posted_balance_minor - a.pending_debits_minor)::float8 as available_minor,
  a.version::float8 as version, a.closed_at, a.created_at`;

type AccountRow = Omit<Account, 'closed_at' | 'created_at'> & {
  closed_at: Date | null;
  created_at: Date;
  balance_at_minor?: number | null;
};

function presentAccount(row: AccountRow): Account {
  const { balance_at_minor, ...rest } = row;
  return {
    ...rest,
    closed_at: row.closed_at?.toISOString() ?? null,
    created_at: row.created_at.toISOString(),
    ...(balance_at_minor === undefined || balance_at_minor === null ? {} : { balance_at_minor }),
  };
}

export function postgresWalletLedger(
  sql: Sql,
  options: { onRetry?: (err: unknown) => void } = {},
): WalletLedger {
  function inTx<T>(ctx: CallContext, fn: (tx: TxSql) => Promise<T>): Promise<T> {
    const role = ctx.claims.role === 'service_role'
      ? 'service_role'
      : ctx.claims.role === 'authenticated'
      ? 'authenticated'
      : 'anon';
    return withRetries(
      () =>
        sql.begin(async (tx) => {
          await tx`select set_config('role', ${role}, true),
                        set_config('request.jwt.claims', ${JSON.stringify(ctx.claims)}, true),
                        set_config('tallyq.correlation_id', ${ctx.correlationId}, true),
                        set_config('tallyq.client_ip', ${ctx.clientIp ?? ''}, true),
                        set_config('tallyq.user_agent', ${ctx.userAgent ?? ''}, true)`;
          return await fn(tx);
        }) as Promise<T>,
      8,
      options.onRetry,
    );
  }

  const outcome = (rows: { outcome: Outcome }[]) => rows[0].outcome;

  return {
    transfer: (ctx, input, key) =>
      inTx(ctx, async (tx) =>
        outcome(
          await tx`select public.wallet_transfer(
            ${input.from_account_id}::uuid, ${input.to_account_id}::uuid,
            ${input.amount_minor}::bigint, ${input.currency}, ${input.description ?? null},
            ${input.pending_timeout_seconds ?? null}::integer, ${key}) as outcome`,
        )),
    post: (ctx, id, amount, key) =>
      inTx(ctx, async (tx) =>
        outcome(
          await tx`select public.wallet_post_pending(${id}::uuid, ${amount}::bigint, ${key})
                   as outcome`,
        )),
    void: (ctx, id, key) =>
      inTx(
        ctx,
        async (tx) =>
          outcome(await tx`select public.wallet_void_pending(${id}::uuid, ${key}) as outcome`),
      ),
    reverse: (ctx, id, description, key) =>
      inTx(ctx, async (tx) =>
        outcome(
          await tx`select public.wallet_reverse(${id}::uuid, ${description}, ${key}) as outcome`,
        )),
    openAccount: (ctx, currency) =>
      inTx(ctx, async (tx) => {
        const rows = await tx.unsafe<AccountRow[]>(
          `select ${ACCOUNT_COLUMNS} from public.wallet_open_account($1) as a`,
          [currency],
        );
        return presentAccount(rows[0]);
      }),
    accounts: (ctx, at, id) =>
      inTx(ctx, async (tx) => {
        // RLS decides which accounts the caller sees.
        const rows = await tx.unsafe<AccountRow[]>(
          `select ${ACCOUNT_COLUMNS},
                  case when $1::timestamptz is null then null
                       else public.wallet_balance_at(a.id, $1::timestamptz)::float8 end
                    as balance_at_minor
           from public.wallet_accounts as a
           where ($2::uuid is null or a.id = $2::uuid)
           order by a.currency, a.created_at, a.id`,
          [at, id ?? null],
        );
        return rows.map(presentAccount);
      }),
    entries: (ctx, accountId, page) =>
      inTx(ctx, async (tx) => {
        const rows = await tx<(Omit<Entry, 'created_at'> & { created_at: Date })[]>`
          select e.version::float8 as version, e.transaction_id,
                 e.amount_minor::float8 as amount_minor, e.currency,
                 e.balance_before_minor::float8 as balance_before_minor,
                 e.balance_after_minor::float8 as balance_after_minor, e.created_at
          from public.wallet_entries as e
          where e.account_id = ${accountId}::uuid
            and (${page.beforeVersion}::bigint is null or e.version < ${page.beforeVersion}::bigint)
          order by e.version desc
          limit ${page.limit}`;
        return rows.map((r) => ({ ...r, created_at: r.created_at.toISOString() }));
      }),
  };
}
