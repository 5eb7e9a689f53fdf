// Usage: npm run bench:audit [-- --clients 16] [--seconds 15] [--rounds 2] [--accounts 1000]
//                              [--seal-every-ms 1000] [--db-url URL]
//
// Write throughput of an audited table, three ways, on the same database in the same run
// (issue 15, item 5, "measure it"); prints figures, never passes or fails:
//   none    - no audit trigger;
//   sealed  - tallyq's design: the generic audit trigger writes unchained rows; a sealer
//             (private.seal_audit_log(), here every --seal-every-ms, pg_cron in production) hashes
//             final rows into blocks behind its own lock, concurrently with the writers;
//   locked  - the same audit trigger plus per-row chaining: every audited change takes one
//             advisory lock (held to commit, so the next link sees this one), reads the last link
//             and appends sha256(prev || sha256(canonical row bytes)); every writer queues behind
//             that lock until the previous writer commits.
// Each transaction is a transfer-shaped write (two account updates in key order + two entry
// inserts = 4 audited row changes) with the request context the wallet function sets (correlation
// id, client IP, user agent), driven by pgbench (-c clients, -j 2) for --seconds per
// variant, variants interleaved over --rounds. Without --db-url it runs on the `bench` stack
// profile (started or reused). The audit log is append-only: bench rows stay in that database.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import postgres from 'npm:postgres@^3.4.5';
import { readStackEnv } from '../../../tests/support/users.ts';

const VARIANTS = ['none', 'sealed', 'locked'] as const;
type Variant = typeof VARIANTS[number];

export type AuditBenchOptions = {
  dbUrl: string;
  clients: number;
  seconds: number;
  rounds: number;
  accounts: number;
  sealEveryMs: number;
};

export type AuditBenchResult = {
  tps: Record<Variant, number[]>;
  auditRowsPerTx: number;
  sealRowsPerS: number;
  sealLagRows: number;
  violations: number;
};

const log = (msg: string) => console.error(`[bench:audit] ${msg}`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function setupSql(accounts: number): string {
  const tables = VARIANTS.map((v) => `
    create table bench_audit.${v}_accounts (id int primary key, balance bigint not null default 0);
    create table bench_audit.${v}_entries (
      id bigint generated always as identity primary key, account_id int not null,
      amount bigint not null, created_at timestamptz not null default now());
    insert into bench_audit.${v}_accounts select g, 0 from generate_series(1, ${accounts}) as g;`)
    .join('\n');
  return `
    drop schema if exists bench_audit cascade;
    create schema bench_audit;
    ${tables}
    select private.enable_audit('bench_audit.${'sealed'}_accounts', null);
    select private.enable_audit('bench_audit.sealed_entries', null);
    select private.enable_audit('bench_audit.locked_accounts', null);
    select private.enable_audit('bench_audit.locked_entries', null);

    -- per-row chaining behind one lock (held until commit, so the next link sees this one): each
    -- audit row this statement wrote is linked, in id order
    create table bench_audit.chain_links (
      seq bigint primary key, audit_id bigint not null, hash bytea not null);
    create function bench_audit.chain_rows() returns trigger language plpgsql set search_path = '' as $$
    declare
      v_row private.audit_log;
      v_prev bench_audit.chain_links;
    begin
      perform pg_advisory_xact_lock(15015);
      select * into v_prev from bench_audit.chain_links order by seq desc limit 1;
      for v_row in
        select * from private.audit_log as l
        where l.txid = pg_current_xact_id() and l.table_schema = 'bench_audit'
          and l.id > coalesce((select max(c.audit_id) from bench_audit.chain_links as c
                               where c.audit_id in (select l2.id from private.audit_log as l2
                                                    where l2.txid = pg_current_xact_id())), 0)
        order by l.id
      loop
        insert into bench_audit.chain_links values (
          coalesce(v_prev.seq, 0) + 1, v_row.id,
          sha256(coalesce(v_prev.hash, decode(repeat('00', 32), 'hex'))
                 || sha256(private.audit_row_bytes(v_row))))
        returning * into v_prev;
      end loop;
      return null;
    end $$;
    -- fires after the audit's statement triggers (tallyq_audit_*: triggers run in name order)
    create trigger zz_chain_rows after insert or update or delete on bench_audit.locked_accounts
      for each statement execute function bench_audit.chain_rows();
    create trigger zz_chain_rows after insert or update or delete on bench_audit.locked_entries
      for each statement execute function bench_audit.chain_rows();`;
}

const transferScript = (v: Variant) => `
\\set a random(1, :accounts)
\\set b random(1, :accounts)
\\set lo least(:a, :b)
\\set hi greatest(:a, :b)
\\set amount random(1, 1000)
begin;
select set_config('tallyq.correlation_id', 'bench-' || :client_id, true),
  set_config('tallyq.client_ip', '203.0.113.' || :client_id, true),
  set_config('tallyq.user_agent', 'Mozilla/5.0 (X11; Linux x86_64) tallyq-bench/1.0', true);
update bench_audit.${v}_accounts set balance = balance - :amount where id = :lo;
update bench_audit.${v}_accounts set balance = balance + :amount where id = :hi;
insert into bench_audit.${v}_entries (account_id, amount) values (:lo, -:amount), (:hi, :amount);
end;
`;

function pgbench(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('pgbench', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on(
      'close',
      (code) => code === 0 ? resolve(out) : reject(new Error(`pgbench exited ${code}:\n${out}`)),
    );
  });
}

export async function measure(opts: AuditBenchOptions): Promise<AuditBenchResult> {
  const sql = postgres(opts.dbUrl, { max: 2, onnotice: () => {} });
  const dir = await mkdtemp(join(tmpdir(), 'bench-audit-'));
  try {
    await sql.unsafe(setupSql(opts.accounts));
    const [{ first }] =
      await sql`select coalesce(max(id), 0)::text as first from private.audit_log`;
    await sql`select private.seal_audit_log()`;
    const [{ fromBlock }] = await sql`select (coalesce(max(id), 0) + 1)::text as "fromBlock"
      from private.audit_blocks`;
    const tps: Record<Variant, number[]> = { none: [], sealed: [], locked: [] };
    let transactions = 0;
    for (let round = 1; round <= opts.rounds; round++) {
      for (const v of VARIANTS) {
        const script = join(dir, `${v}.sql`);
        await writeFile(script, transferScript(v));
        // the sealer runs beside every variant, as pg_cron would; only `sealed` gives it work
        let sealing = true;
        const sealer = (async () => {
          while (sealing) {
            await sql`select private.seal_audit_log()`;
            await new Promise((r) => setTimeout(r, opts.sealEveryMs));
          }
        })();
        const out = await pgbench([
          '-n',
          '-c',
          String(opts.clients),
          '-j',
          '2',
          '-T',
          String(opts.seconds),
          '-D',
          `accounts=${opts.accounts}`,
          '-f',
          script,
          opts.dbUrl,
        ]);
        sealing = false;
        await sealer;
        const value = Number(out.match(/tps = ([\d.]+)/)?.[1]);
        const done = Number(out.match(/number of transactions actually processed: (\d+)/)?.[1]);
        if (!Number.isFinite(value)) throw new Error(`no tps in pgbench output:\n${out}`);
        tps[v].push(value);
        if (v === 'sealed') transactions += done;
        log(`round ${round} ${v.padEnd(6)} ${value.toFixed(0)} tx/s`);
      }
    }

    // How far behind is the sealer, and how fast does it catch up on a backlog?
    const [{ lag }] = await sql`select count(*)::int as lag from private.audit_log as l
      where l.id > ${first}::bigint
        and not exists (select 1 from private.audit_seals as s where s.audit_id = l.id)`;
    const started = performance.now();
    await sql`select private.seal_audit_log()`;
    const sealSeconds = (performance.now() - started) / 1000;
    const [{ sealed, problems }] = await sql`select
        (select count(*)::int from private.audit_seals where audit_id > ${first}::bigint) as sealed,
        (select count(*)::int from private.verify_audit_log(${fromBlock}::bigint)) as problems`;
    const [{ rows }] = await sql`select count(*)::int as rows from private.audit_log
      where table_schema = 'bench_audit' and table_name like 'sealed_%' and id > ${first}::bigint`;
    const [{ links, heads }] = await sql`select count(*)::int as links,
      coalesce(max(seq), 0)::int as heads from bench_audit.chain_links`;
    log(
      `sealed ${sealed} rows in total; backlog of ${lag} rows sealed in ${
        sealSeconds.toFixed(2)
      } s`,
    );
    return {
      tps,
      auditRowsPerTx: transactions ? rows / transactions : 0,
      sealRowsPerS: lag / sealSeconds,
      sealLagRows: lag,
      violations: problems + (links === heads ? 0 : 1),
    };
  } finally {
    await sql.unsafe('drop schema if exists bench_audit cascade');
    await sql.end();
    await rm(dir, { recursive: true, force: true });
  }
}

function report(opts: AuditBenchOptions, r: AuditBenchResult) {
  const none = median(r.tps.none);
  const line = (v: Variant, what: string) => {
    const t = median(r.tps[v]);
    return `  ${v.padEnd(7)} ${t.toFixed(0).padStart(7)} tx/s  (${
      (t / none).toFixed(2)
    } × no audit; rounds: ${r.tps[v].map((x) => x.toFixed(0)).join(', ')})  ${what}`;
  };
  console.log(
    [
      `audit write throughput: ${opts.clients} clients × ${opts.seconds} s × ${opts.rounds} rounds, ` +
      `${opts.accounts} accounts, 4 audited row changes per transaction (median of rounds)`,
      line('none', 'no audit trigger'),
      line('sealed', `audit rows, sealed into blocks every ${opts.sealEveryMs} ms (tallyq)`),
      line('locked', 'audit rows + per-row hash chain behind one lock'),
      `  sealer: ${r.sealRowsPerS.toFixed(0)} rows/s on a backlog of ${r.sealLagRows} rows; ` +
      `chain problems after the run: ${r.violations}`,
    ].join('\n'),
  );
  console.log(JSON.stringify({
    bench: 'audit',
    clients: opts.clients,
    tps_no_audit: Math.round(none),
    tps_sealed: Math.round(median(r.tps.sealed)),
    tps_locked_chain: Math.round(median(r.tps.locked)),
    seal_rows_per_s: Math.round(r.sealRowsPerS),
    violations: r.violations,
  }));
}

/** The benchmark; `ctx.args` are its command-line flags. Nothing runs at import. */
export async function run(ctx: { args: string[] }) {
  const { values } = parseArgs({
    args: ctx.args,
    options: {
      clients: { type: 'string', default: '16' },
      seconds: { type: 'string', default: '15' },
      rounds: { type: 'string', default: '2' },
      accounts: { type: 'string', default: '1000' },
      'seal-every-ms': { type: 'string', default: '1000' },
      'db-url': { type: 'string' },
    },
  });
  const root = fileURLToPath(new URL('../../../', import.meta.url));
  let dbUrl = values['db-url'];
  if (!dbUrl) {
    log('bench stack: scripts/stack.sh start --profile bench');
    const child = spawn('bash', ['scripts/stack.sh', 'start', '--profile', 'bench'], {
      cwd: root,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const code = await new Promise((r) => child.on('close', r));
    if (code !== 0) throw new Error('could not start the bench stack');
    dbUrl = (await readStackEnv(join(root, '.tallyq/bench/stack.env'))).SUPABASE_DB_URL;
  }
  const opts: AuditBenchOptions = {
    dbUrl,
    clients: Number(values.clients),
    seconds: Number(values.seconds),
    rounds: Number(values.rounds),
    accounts: Number(values.accounts),
    sealEveryMs: Number(values['seal-every-ms']),
  };
  report(opts, await measure(opts));
}

if (import.meta.main) {
  await run({ args: Deno.args });
}
