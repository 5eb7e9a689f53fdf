// A seeded, randomized ledger workload (TigerBeetle VOPR style): N clients run random transfers,
// pendings, posts, voids, expiries, reversals and idempotent replays over a few hot accounts
// through the wallet's own database port, while a monitor checks every ledger invariant
// (private.wallet_ledger_violations) as the work runs. Used by scripts/ledger-concurrency.test.ts
// (small, in the suite) and scripts/ledger-concurrency.ts (full size: 16 × 5,000).
import { randomUUID } from 'node:crypto';
import type { Sql } from '../../../supabase/functions/_shared/db/client.ts';
import {
  type CallContext,
  type Outcome,
  postgresWalletLedger,
  type WalletLedger,
} from '../../../supabase/functions/_shared/ledger/wallet-port.ts';

export type WalletUser = { userId: string; accountId: string };

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const userContext = (userId: string): CallContext => ({
  claims: { sub: userId, role: 'authenticated', aud: 'authenticated' },
  correlationId: randomUUID(),
});
export const serviceContext = (): CallContext => ({
  claims: { role: 'service_role' },
  correlationId: randomUUID(),
});

/** `count` users with one wallet each in `currency`, each funded from a clearing account. */
export async function setupWallets(
  sql: Sql,
  ledger: WalletLedger,
  count: number,
  currency: string,
  fundEach: number,
): Promise<{ users: WalletUser[]; clearingId: string }> {
  const ids = Array.from({ length: count }, () => randomUUID());
  await sql`insert into auth.users (id, email, role, aud)
    select u, 'ledger-' || u || '@test.tallyq.local', 'authenticated', 'authenticated'
    from unnest(${ids}::uuid[]) as u`;
  const accounts = await sql<{ user_id: string; id: string }[]>`
    insert into public.wallet_accounts (kind, user_id, organisation_id, currency)
    select 'user', m.user_id, m.organisation_id, ${currency}
    from public.memberships as m where m.user_id = any(${ids}::uuid[]) and m.role = 'owner'
    returning user_id, id`;
  const [clearing] = await sql<{ id: string }[]>`
    insert into public.wallet_accounts (kind, provider, currency, allow_overdraft)
    values ('clearing', 'workload', ${currency}, true)
    on conflict (kind, coalesce(provider, ''), currency) where kind <> 'user'
    do update set allow_overdraft = true
    returning id`;
  for (const a of accounts) {
    const o = await ledger.transfer(serviceContext(), {
      from_account_id: clearing.id,
      to_account_id: a.id,
      amount_minor: fundEach,
      currency,
    }, null);
    if (!o.ok) throw new Error(`funding failed: ${o.error}`);
  }
  return {
    users: accounts.map((a) => ({ userId: a.user_id, accountId: a.id })),
    clearingId: clearing.id,
  };
}

export type WorkloadOptions = {
  clients: number;
  opsPerClient: number;
  seed: number;
  currency: string;
  users: WalletUser[];
  /** How often the monitor checks the invariants while clients run. */
  monitorEveryMs: number;
};

export type WorkloadReport = {
  seed: number;
  ops: number;
  byOp: Record<string, number>;
  byOutcome: Record<string, number>;
  /** Serialization failures / deadlocks retried inside the port (never seen by a caller). */
  retried: number;
  /** Anything that reached a caller as an exception, and replays that answered differently. */
  errors: string[];
  monitorChecks: number;
  violationsDuring: number;
  violationsAfter: { check_name: string; subject_id: string; detail: unknown }[];
  pendingsResolvedTwice: number;
  seconds: number;
};

type Known = { id: string; debitUser: string; creditUser: string };

export async function runWorkload(sql: Sql, opts: WorkloadOptions): Promise<WorkloadReport> {
  let retried = 0;
  const ledger = postgresWalletLedger(sql, { onRetry: () => retried++ });
  const byOp: Record<string, number> = {};
  const byOutcome: Record<string, number> = {};
  const errors: string[] = [];
  const pendings: Known[] = [];
  const posted: Known[] = [];
  let running = true;
  let monitorChecks = 0;
  let violationsDuring = 0;

  const monitor = (async () => {
    while (running) {
      const [{ n }] = await sql<{ n: number }[]>`
        select count(*)::int as n from private.wallet_ledger_violations()`;
      monitorChecks++;
      violationsDuring += n;
      await new Promise((r) => setTimeout(r, opts.monitorEveryMs));
    }
  })();

  const note = (op: string, o: Outcome) => {
    byOp[op] = (byOp[op] ?? 0) + 1;
    const key = `${op}:${o.ok ? 'ok' : o.error}`;
    byOutcome[key] = (byOutcome[key] ?? 0) + 1;
  };

  async function client(index: number) {
    const random = rng(opts.seed * 1000 + index);
    const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)];
    const sent: { key: string; replay: () => Promise<Outcome>; first: Outcome }[] = [];
    for (let i = 0; i < opts.opsPerClient; i++) {
      const r = random();
      const key = `w${opts.seed}-${index}-${i}`;
      try {
        if (r < 0.55) {
          const from = pick(opts.users);
          const to = random() < 0.03 ? from : pick(opts.users.filter((u) => u !== from));
          const pending = r >= 0.35;
          const input = {
            from_account_id: from.accountId,
            to_account_id: to.accountId,
            amount_minor: random() < 0.03 ? 1e12 : 1 + Math.floor(random() * 5_000),
            currency: opts.currency,
            pending_timeout_seconds: pending ? (random() < 0.3 ? 1 : 60) : undefined,
          };
          const call = () => ledger.transfer(userContext(from.userId), input, key);
          const o = await call();
          note(pending ? 'pending' : 'transfer', o);
          if (o.ok) {
            const known = { id: o.transfer.id, debitUser: from.userId, creditUser: to.userId };
            (pending ? pendings : posted).push(known);
          }
          if (random() < 0.3) sent.push({ key, replay: call, first: o });
        } else if (r < 0.76 && pendings.length) {
          const p = pick(pendings);
          const ctx = userContext(p.debitUser);
          const isPost = r < 0.68;
          const o = isPost
            ? await ledger.post(ctx, p.id, random() < 0.5 ? null : 1, key)
            : await ledger.void(ctx, p.id, key);
          note(isPost ? 'post' : 'void', o);
          if (o.ok && isPost) posted.push({ ...p, id: o.transfer.id });
        } else if (r < 0.86 && posted.length) {
          const t = pick(posted);
          const o = await ledger.reverse(userContext(t.creditUser), t.id, null, key);
          note('reverse', o);
        } else if (r < 0.9) {
          await sql`select private.wallet_expire_pendings()`;
          byOp.expire_job = (byOp.expire_job ?? 0) + 1;
        } else if (sent.length) {
          const s = pick(sent);
          const again = await s.replay();
          byOp.replay = (byOp.replay ?? 0) + 1;
          const same = JSON.stringify({ ...again, replayed: undefined }) ===
            JSON.stringify({ ...s.first, replayed: undefined });
          if (!same || again.replayed !== true) {
            errors.push(`replay of ${s.key} answered differently`);
          }
        }
      } catch (err) {
        errors.push(`client ${index} op ${i}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }

  const started = performance.now();
  await Promise.all(Array.from({ length: opts.clients }, (_, i) => client(i)));
  const seconds = (performance.now() - started) / 1000;
  running = false;
  await monitor;

  const violationsAfter = await sql<WorkloadReport['violationsAfter']>`
    select check_name, subject_id, detail from private.wallet_ledger_violations()`;
  const [{ twice }] = await sql<{ twice: number }[]>`
    select count(*)::int as twice from (
      select pending_id from public.wallet_transactions where pending_id is not null
      group by pending_id having count(*) > 1) as x`;
  const ops = Object.values(byOp).reduce((a, b) => a + b, 0);
  return {
    seed: opts.seed,
    ops,
    byOp,
    byOutcome,
    retried,
    errors,
    monitorChecks,
    violationsDuring,
    violationsAfter: [...violationsAfter],
    pendingsResolvedTwice: twice,
    seconds,
  };
}
