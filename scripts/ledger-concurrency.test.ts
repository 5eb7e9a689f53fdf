// Randomized concurrency over the real ledger (Postgres of the running test stack), sized for the
// suite: 16 clients × LEDGER_WORKLOAD_OPS (default 100) random operations over 5 hot accounts,
// invariants checked while it runs and after. The full size (16 × 5,000) runs in
// `npm run test:ledger-concurrency`. Also: one transfer sent 100 times at once is applied once.
//   SUPABASE_DB_URL=… node_modules/.bin/deno test -A scripts/ledger-concurrency.test.ts
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createDb } from '../supabase/functions/_shared/db/client.ts';
import { postgresWalletLedger } from '../supabase/functions/_shared/ledger/wallet-port.ts';
import { runWorkload, setupWallets, userContext } from './bench/ledger/workload.ts';

const dbUrl = Deno.env.get('SUPABASE_DB_URL');
const opts = { sanitizeOps: false, sanitizeResources: false };

Deno.test('ledger - 16 random clients over hot accounts keep every invariant', opts, async () => {
  if (!dbUrl) throw new Error('SUPABASE_DB_URL is required');
  const sql = createDb(dbUrl, { max: 17 });
  try {
    const seed = Number(Deno.env.get('LEDGER_WORKLOAD_SEED') ?? Date.now() % 100_000);
    console.log(`ledger workload seed ${seed} (LEDGER_WORKLOAD_SEED=${seed} reproduces it)`);
    const { users } = await setupWallets(sql, postgresWalletLedger(sql), 5, 'XTS', 200_000);
    const report = await runWorkload(sql, {
      clients: 16,
      opsPerClient: Number(Deno.env.get('LEDGER_WORKLOAD_OPS') ?? 100),
      seed,
      currency: 'XTS',
      users,
      monitorEveryMs: 200,
    });
    const { violationsAfter: _, ...summary } = report;
    console.log(JSON.stringify(summary));
    assert.deepEqual(report.errors, [], `seed ${seed}: nothing but outcomes reaches a caller`);
    assert.ok(report.monitorChecks > 0, 'the invariants were checked while clients ran');
    assert.equal(report.violationsDuring, 0, `seed ${seed}: no violation while running`);
    assert.deepEqual(report.violationsAfter, [], `seed ${seed}: no violation after`);
    assert.equal(report.pendingsResolvedTwice, 0, 'each pending resolved at most once');
    for (const op of ['transfer', 'pending', 'post', 'void', 'reverse', 'replay', 'expire_job']) {
      assert.ok((report.byOp[op] ?? 0) > 0, `the workload exercised ${op}`);
    }
    assert.ok((report.byOutcome['transfer:ok'] ?? 0) > 0, 'some transfers succeeded');
    assert.ok((report.byOutcome['transfer:insufficient_funds'] ?? 0) > 0, 'some were refused');
  } finally {
    await sql.end();
  }
});

Deno.test('ledger - the same transfer sent 100 times at once is applied once', opts, async () => {
  if (!dbUrl) throw new Error('SUPABASE_DB_URL is required');
  const sql = createDb(dbUrl, { max: 20 });
  try {
    const ledger = postgresWalletLedger(sql);
    const { users: [a, b] } = await setupWallets(sql, ledger, 2, 'XTS', 10_000);
    const key = `same-${randomUUID()}`;
    const input = {
      from_account_id: a.accountId,
      to_account_id: b.accountId,
      amount_minor: 700,
      currency: 'XTS',
    };
    const outcomes = await Promise.all(
      Array.from({ length: 100 }, () => ledger.transfer(userContext(a.userId), input, key)),
    );
    const applied = outcomes.filter((o) => o.ok && !o.replayed);
    const replays = outcomes.filter((o) => o.ok && o.replayed);
    const inFlight = outcomes.filter((o) => !o.ok && o.error === 'idempotency_key_in_flight');
    assert.equal(applied.length, 1, 'exactly one call applied the transfer');
    assert.equal(replays.length + inFlight.length, 99, 'the other 99 are replays or 409s');
    assert.ok(inFlight.every((o) => o.status === 409), 'a racing duplicate gets 409');
    const id = applied[0].ok ? applied[0].transfer.id : '';
    assert.ok(replays.every((o) => o.ok && o.transfer.id === id), 'replays name the same transfer');
    const [{ n }] = await sql<{ n: number }[]>`select count(*)::int as n
      from public.wallet_transactions where debit_account_id = ${a.accountId} and kind = 'transfer'`;
    assert.equal(n, 1, 'one transaction was written');
    const [acc] = await sql<{ b: string }[]>`select posted_balance_minor::text as b
      from public.wallet_accounts where id = ${a.accountId}`;
    assert.equal(acc.b, '9300', 'the money moved once');
  } finally {
    await sql.end();
  }
});

Deno.test(
  'ledger - funds spent while a transfer waits for the account lock: refused, nothing written',
  opts,
  async () => {
    if (!dbUrl) throw new Error('SUPABASE_DB_URL is required');
    const sql = createDb(dbUrl, { max: 4 });
    try {
      const ledger = postgresWalletLedger(sql);
      const { users: [a, b] } = await setupWallets(sql, ledger, 2, 'XTS', 1_000);
      const input = (amount: number) => ({
        from_account_id: a.accountId,
        to_account_id: b.accountId,
        amount_minor: amount,
        currency: 'XTS',
      });
      // A first transfer spends 900 of the 1,000 and holds both account locks, uncommitted.
      let release = () => {};
      const held = new Promise<void>((r) => (release = r));
      const first = sql.begin(async (tx) => {
        await tx`select set_config('request.jwt.claims', '{"role":"service_role"}', true)`;
        const [{ o }] = await tx<{ o: { ok: boolean } }[]>`select public.wallet_transfer(
        ${a.accountId}::uuid, ${b.accountId}::uuid, 900, 'XTS') as o`;
        assert.ok(o.ok, 'the first transfer is applied');
        await held;
      });
      // The second still sees 1,000 available before it locks; it must wait, then re-check.
      const key = `race-${randomUUID()}`;
      const second = ledger.transfer(userContext(a.userId), input(500), key);
      for (let i = 0; i < 100; i++) {
        const [{ waiting }] = await sql<{ waiting: number }[]>`select count(*)::int as waiting
        from pg_stat_activity where wait_event_type = 'Lock' and query like '%wallet_transfer%'`;
        if (waiting > 0) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      release();
      await first;
      const outcome = await second;
      assert.equal(outcome.ok, false);
      assert.equal(!outcome.ok && outcome.error, 'insufficient_funds', 'refused under the lock');
      const [{ n }] = await sql<
        { n: number }[]
      >`select count(*)::int as n from public.wallet_transactions
      where debit_account_id = ${a.accountId} and amount_minor = 500`;
      assert.equal(n, 0, 'the refused transfer left no transaction row');
      const [acc] = await sql<{ b: string; v: string }[]>`select posted_balance_minor::text as b,
      version::text as v from public.wallet_accounts where id = ${a.accountId}`;
      assert.deepEqual(acc, { b: '100', v: '2' }, 'only the first transfer moved money');
      const replay = await ledger.transfer(userContext(a.userId), input(500), key);
      assert.ok(
        !replay.ok && replay.error === 'insufficient_funds' && replay.replayed,
        'the refusal is the stored outcome',
      );
    } finally {
      await sql.end();
    }
  },
);
