// Usage: npm run bench:ledger [-- --seconds 30] [--clients 20] [--db-url URL] [--scale 20] [--ceiling]
//                             [--rounds 3]
//
// Ledger throughput (issue 15, "Benchmark"); prints figures, never passes or fails. On one
// database, in one run, with pgbench driving every workload the same way (one statement per
// transaction, 20 clients, autocommit):
//   hot     public.wallet_transfer between 10 accounts (random pairs), each with its own
//           Idempotency-Key (idempotency on), as the service role
//   spread  the same over 50 other accounts
//   tpcb    pgbench's built-in TPC-B-like script (pgbench -i -s <scale>, scale = clients)
// plus bytes per transfer (growth of wallet_transactions, wallet_entries, the idempotency store
// and any audit table, indexes included) and the reconciliation's violation count afterwards.
// The audit chain is sealed during each ledger run, every 2 s, by the function the pg_cron job
// tallyq_audit_seal calls (the job is paused meanwhile): each run pays for sealing its own audit
// rows, where the minutely job would land a burst in whichever run it happened to fall. What is
// left is sealed between runs, so TPC-B never shares the machine with the ledger's sealing.
// Each run also prints what its clients spent their time on (pg_stat_activity wait events,
// sampled every 200 ms): CPU, row locks, WAL flushes.
// --ceiling adds two runs of the same transfers with every trigger switched off
// (session_replication_role = replica: no audit rows, no foreign-key checks; superuser only): the
// most the transfer function itself could reach beside the same TPC-B, i.e. what the audit log and
// the foreign keys cost. It measures, it is not a mode: those runs' ledger rows have no audit rows.
// --rounds N repeats hot, spread (and the ceiling runs) and TPC-B N times, interleaved, and reports
// each one's median: on a small shared machine one 30 s run of either side can be 15 % off.
// Without --db-url it starts the `bench` stack profile (.tallyq/bench/). Ends with one JSON line.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import postgres from 'npm:postgres@^3.4.5';

const { values: args } = parseArgs({
  args: Deno.args,
  options: {
    seconds: { type: 'string', default: '30' },
    clients: { type: 'string', default: '20' },
    scale: { type: 'string' },
    'db-url': { type: 'string' },
    ceiling: { type: 'boolean', default: false },
    rounds: { type: 'string', default: '3' },
  },
});
const SECONDS = Number(args.seconds);
const CLIENTS = Number(args.clients);
const SCALE = Number(args.scale ?? args.clients);
const ROUNDS = Math.max(1, Number(args.rounds));
const PGBIN = '/usr/lib/postgresql/15/bin';

function run(cmd: string, argv: string[], env: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, { env: { ...Deno.env.toObject(), ...env } });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on(
      'close',
      (code) =>
        code === 0 ? resolve(out) : reject(new Error(`${cmd} exited ${code}: ${out.slice(-2000)}`)),
    );
  });
}

async function dbUrl(): Promise<string> {
  if (args['db-url']) return args['db-url'];
  console.error('starting the bench stack (scripts/stack.sh start --profile bench) …');
  await run('bash', ['scripts/stack.sh', 'start', '--profile', 'bench']);
  const env = await readFile('.tallyq/bench/stack.env', 'utf8');
  const m = env.match(/^SUPABASE_DB_URL=(.*)$/m);
  if (!m) throw new Error('no SUPABASE_DB_URL in .tallyq/bench/stack.env');
  return m[1];
}

const url = await dbUrl();
const sql = postgres(url, { max: 2, onnotice: () => {} });
const tps = (out: string) =>
  Number(out.match(/tps = ([\d.]+) \(without initial connection time\)/)?.[1] ?? NaN);

// ---- accounts: 10 hot (n 1–10) and 50 spread (n 11–60), funded from a clearing account ----
// Account n of this run has the id accountId(RUN * 1000 + n), so the pgbench script computes ids
// instead of looking them up (a lookup per account would be part of what is measured).
const RUN = 1 + Math.floor(Math.random() * 999_999_999);
const accountIdSql = (number: string) =>
  `('00000000-0000-4000-8000-' || lpad((${number})::text, 12, '0'))::uuid`;
const users = await sql<{ id: string }[]>`
  insert into auth.users (id, email, role, aud)
  select gen_random_uuid(), 'bench-' || gen_random_uuid() || '@bench.tallyq.local', 'authenticated', 'authenticated'
  from generate_series(1, 60) returning id`;
const [clearing] = await sql<{ id: string }[]>`
  insert into public.wallet_accounts (kind, provider, currency, allow_overdraft)
  values ('clearing', 'bench', 'XTS', true)
  on conflict (kind, coalesce(provider, ''), currency) where kind <> 'user' do update set allow_overdraft = true
  returning id`;
await sql.begin(async (tx) => {
  await tx`select set_config('request.jwt.claims', '{"role":"service_role"}', true)`;
  for (const [i, u] of users.entries()) {
    const [a] = await tx.unsafe<{ id: string }[]>(
      `insert into public.wallet_accounts (id, kind, user_id, currency)
       values (${accountIdSql('$1::bigint')}, 'user', $2, 'XTS') returning id`,
      [RUN * 1000 + i + 1, u.id],
    );
    await tx`select public.wallet_transfer(${clearing.id}::uuid, ${a.id}::uuid, 1000000000000::bigint, 'XTS')`;
  }
});

const dir = await mkdtemp(join(tmpdir(), 'bench-ledger-'));
const script = join(dir, 'transfer.sql');
await writeFile(
  script,
  `\\set off random(1, :naccounts - 1)
\\set from random(1, :naccounts)
\\set to ((:from - 1 + :off) % :naccounts) + 1
\\set amount random(1, 1000)
\\set key random(1, 9000000000000000)
\\set debit :run * 1000 + :base + :from
\\set credit :run * 1000 + :base + :to
select public.wallet_transfer(${accountIdSql(':debit')}, ${
    accountIdSql(':credit')
  }, :amount, 'XTS', null, null, 'bench-' || :key);
`,
);

const LEDGER_TABLES = `
  select coalesce(sum(pg_total_relation_size(c.oid)), 0)::float8 as bytes
  from pg_class as c join pg_namespace as n on n.oid = c.relnamespace
  where c.relkind = 'r' and ((n.nspname = 'public' and c.relname in ('wallet_transactions', 'wallet_entries'))
     or (n.nspname = 'private' and (c.relname = 'wallet_idempotency_keys' or c.relname like 'audit%'))
     or n.nspname = 'audit')`;
const count = async () =>
  Number((await sql`select count(*)::float8 as n from public.wallet_transactions`)[0].n);
const bytes = async () => Number((await sql.unsafe(LEDGER_TABLES))[0].bytes);

/** Calls `step` every `everyMs` until `done` is set (looked at every 100 ms, so a run's end stops it). */
async function repeatUntil(done: { value: boolean }, everyMs: number, step: () => Promise<void>) {
  while (!done.value) {
    await step();
    for (let t = 0; t < everyMs && !done.value; t += 100) {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

// ---- audit sealing: every 2 s during a run, the rest after it ----
const sealer = postgres(url, { max: 1, onnotice: () => {} });
const sealedRows = async () =>
  Number(
    (await sql`select coalesce(sum(row_count), 0)::float8 as n from private.audit_blocks`)[0].n,
  );
async function sealUntil(done: { value: boolean }) {
  let ms = 0;
  await repeatUntil(done, 2000, async () => {
    const t0 = performance.now();
    await sealer`select private.seal_audit_log()`;
    ms += performance.now() - t0;
  });
  return ms;
}
async function sealBacklog() {
  const t0 = performance.now();
  while ((await sealer`select private.seal_audit_log() as id`)[0].id !== null);
  return performance.now() - t0;
}
const [sealJob] = await sql<{ jobid: number }[]>`
  select jobid from cron.job where jobname = 'tallyq_audit_seal'`;
if (sealJob) await sql`select cron.alter_job(${sealJob.jobid}, active := false)`;
const resumeSealJob = async () => {
  if (sealJob) await sql`select cron.alter_job(${sealJob.jobid}, active := true)`;
};

// ---- what the 20 clients wait on: pg_stat_activity sampled every 200 ms during a run ----
const sampler = postgres(url, { max: 1, onnotice: () => {} });
async function sampleWaitsUntil(done: { value: boolean }) {
  const counts = new Map<string, number>();
  await repeatUntil(done, 200, async () => {
    const rows = await sampler<{ wait: string }[]>`
      select coalesce(wait_event_type || ':' || wait_event, 'CPU') as wait from pg_stat_activity
      where application_name = 'pgbench' and state = 'active'`;
    for (const { wait } of rows) counts.set(wait, (counts.get(wait) ?? 0) + 1);
  });
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  return [...counts].sort((a, b) => b[1] - a[1]).slice(0, 5)
    .map(([wait, n]) => `${wait} ${Math.round((100 * n) / Math.max(1, total))}%`).join(', ');
}

const SERVICE_ROLE = '-c request.jwt.claims={"role":"service_role"}';
const NO_TRIGGERS = `${SERVICE_ROLE} -c session_replication_role=replica`;

async function ledgerRun(label: string, naccounts: number, base: number, pgOptions = SERVICE_ROLE) {
  await sealBacklog();
  const [n0, b0, s0] = [await count(), await bytes(), await sealedRows()];
  const done = { value: false };
  const sealing = sealUntil(done);
  const waits = sampleWaitsUntil(done);
  const out = await run(`${PGBIN}/pgbench`, [
    '-n',
    '-c',
    String(CLIENTS),
    '-j',
    '2',
    '-T',
    String(SECONDS),
    '-f',
    script,
    '-D',
    `naccounts=${naccounts}`,
    '-D',
    `base=${base}`,
    '-D',
    `run=${RUN}`,
    url,
  ], { PGOPTIONS: pgOptions }).finally(() => {
    done.value = true;
  });
  const sealMsDuring = await sealing;
  const waitShares = await waits;
  const [n1, b1] = [await count(), await bytes()];
  const sealMsAfter = await sealBacklog();
  const rows = (await sealedRows()) - s0;
  const result = { label, tps: tps(out), transfers: n1 - n0, bytes: b1 - b0 };
  const perTransfer = (x: number) => (x / Math.max(1, result.transfers)).toFixed(0);
  console.error(
    `${label}: ${result.tps.toFixed(0)} transfers/s (${result.transfers} transfers, ${
      perTransfer(result.bytes)
    } B each); audit sealing ${rows} rows: ${sealMsDuring.toFixed(0)} ms during the run, ${
      sealMsAfter.toFixed(0)
    } ms after it (${perTransfer((sealMsDuring + sealMsAfter) * 1000)} µs per transfer)\n` +
      `  clients' time: ${waitShares}`,
  );
  return result;
}

type Run = Awaited<ReturnType<typeof ledgerRun>>;
const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

async function tpcbRun(): Promise<number> {
  const done = { value: false };
  const waits = sampleWaitsUntil(done);
  const out = await run(`${PGBIN}/pgbench`, [
    '-n',
    '-c',
    String(CLIENTS),
    '-j',
    '2',
    '-T',
    String(SECONDS),
    url,
  ]).finally(() => {
    done.value = true;
  });
  const result = tps(out);
  console.error(
    `TPC-B (pgbench built-in, scale ${SCALE}): ${
      result.toFixed(0)
    } tps\n  clients' time: ${await waits}`,
  );
  return result;
}

const rounds: { hot: Run; spread: Run; ceiling: { hot: Run; spread: Run } | null; tpcb: number }[] =
  [];
try {
  for (let round = 1; round <= ROUNDS; round++) {
    if (ROUNDS > 1) console.error(`-- round ${round} of ${ROUNDS}`);
    const hot = await ledgerRun('hot (10 accounts)', 10, 0);
    const spread = await ledgerRun('spread (50 accounts)', 50, 10);
    const ceiling = args.ceiling
      ? {
        hot: await ledgerRun('ceiling: hot, no triggers', 10, 0, NO_TRIGGERS),
        spread: await ledgerRun('ceiling: spread, no triggers', 50, 10, NO_TRIGGERS),
      }
      : null;
    if (round === 1) {
      console.error(`pgbench -i -s ${SCALE} (TPC-B tables) …`);
      await run(`${PGBIN}/pgbench`, ['-i', '-q', '-s', String(SCALE), url]);
    }
    rounds.push({ hot, spread, ceiling, tpcb: await tpcbRun() });
  }
} finally {
  await resumeSealJob();
  await sealer.end();
  await sampler.end();
}
await sql.unsafe(
  'drop table if exists pgbench_accounts, pgbench_branches, pgbench_tellers, pgbench_history',
);

const hotTps = median(rounds.map((r) => r.hot.tps));
const spreadTps = median(rounds.map((r) => r.spread.tps));
const tpcb = median(rounds.map((r) => r.tpcb));
const ceiling = args.ceiling
  ? {
    hot: median(rounds.map((r) => r.ceiling!.hot.tps)),
    spread: median(rounds.map((r) => r.ceiling!.spread.tps)),
  }
  : null;
if (ROUNDS > 1) {
  for (const [i, r] of rounds.entries()) {
    console.error(
      `round ${i + 1}: hot ${r.hot.tps.toFixed(0)}, spread ${r.spread.tps.toFixed(0)}, TPC-B ${
        r.tpcb.toFixed(0)
      } (spread ${(r.spread.tps / r.tpcb).toFixed(2)}×, hot ${(r.hot.tps / r.tpcb).toFixed(2)}×)`,
    );
  }
  console.error(`medians of ${ROUNDS} rounds below`);
}

const [{ violations }] = await sql<{ violations: number }[]>`
  select count(*)::int as violations from private.wallet_reconcile()`;
const audited = rounds.flatMap((r) => [r.hot, r.spread]);
const bytesPerTransfer = Math.round(
  audited.reduce((a, r) => a + r.bytes, 0) /
    Math.max(1, audited.reduce((a, r) => a + r.transfers, 0)),
);
console.error(
  `ratios vs TPC-B: spread ${(spreadTps / tpcb).toFixed(2)}× (pgledger 0.63×), hot ${
    (hotTps / tpcb).toFixed(2)
  }× (pgledger 0.49×); ` +
    `${bytesPerTransfer} bytes per transfer; ${violations} reconciliation violations`,
);
if (ceiling) {
  console.error(
    `ceiling with no triggers (no audit, no foreign keys): spread ${
      (ceiling.spread / tpcb).toFixed(2)
    }×, hot ${(ceiling.hot / tpcb).toFixed(2)}× of TPC-B`,
  );
}
await rm(dir, { recursive: true, force: true });
await sql.end();
console.log(JSON.stringify({
  bench: 'ledger',
  transfers_per_s_hot: Math.round(hotTps),
  transfers_per_s_spread: Math.round(spreadTps),
  tpcb_tps: Math.round(tpcb),
  bytes_per_transfer: bytesPerTransfer,
  violations,
  ...(ceiling && {
    ceiling_transfers_per_s_hot: Math.round(ceiling.hot),
    ceiling_transfers_per_s_spread: Math.round(ceiling.spread),
  }),
  ...(ROUNDS > 1 && { rounds: ROUNDS }),
}));
