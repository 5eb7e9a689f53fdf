// The TypeScript and SQL verifiers agree on real rows, and sealing follows transaction ids: a row
// is sealed only once its transaction has ended, and writers never wait for the sealer.
// Needs the stack's database:  SUPABASE_DB_URL=… deno test -A supabase/functions/_shared/audit/
import assert from 'node:assert/strict';
import postgres from 'npm:postgres@^3.4.5';
import { hex, rowHash } from './canonical.ts';
import { loadAuditChain } from './store.ts';
import { type AuditProblem, compareProblems, verifyAuditChain } from './verify.ts';

const dbUrl = Deno.env.get('SUPABASE_DB_URL');
const opts = { sanitizeOps: false, sanitizeResources: false };

function connect(max = 1) {
  if (!dbUrl) throw new Error('SUPABASE_DB_URL is required for the audit chain tests');
  return postgres(dbUrl, {
    max,
    prepare: false,
    onnotice: () => {},
    // generous: the first seal may wait for pg_cron's sealer, or seal a backlog of other tests' rows
    connection: { statement_timeout: 120000, TimeZone: 'Asia/Kolkata' },
  });
}

/** A fresh audited table (personal column holder_email, subject user_id) for one test. */
async function withAuditedTable(fn: (table: string, sql: postgres.Sql) => Promise<void>) {
  const sql = connect(4);
  const table = `audit_it.t_${crypto.randomUUID().replaceAll('-', '').slice(0, 12)}`;
  try {
    await sql`create schema if not exists audit_it`;
    await sql.unsafe(`create table ${table} (
      id bigint generated always as identity primary key, user_id uuid, holder_email text,
      amount numeric, note text, tags text[], at timestamptz default now(),
      "odd ""name"" \\ é" int default 0)`);
    await sql`select private.enable_audit(${table}::regclass, null, '{holder_email}', 'user_id')`;
    await fn(table, sql);
  } finally {
    await sql.unsafe(`drop table if exists ${table}`);
    await sql.end();
  }
}

/** Seals what is final now, waiting out transactions that are still open elsewhere. */
async function sealUntil(sql: postgres.Sql, auditIds: string[]) {
  for (let i = 0; i < 300; i++) {
    await sql`select private.seal_audit_log()`;
    const [{ n }] = await sql`select count(*)::int as n from private.audit_seals
      where audit_id = any(${auditIds}::bigint[])`;
    if (n === auditIds.length) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('audit rows were not sealed');
}

const auditIdsOf = async (sql: postgres.Sql | postgres.TransactionSql, table: string) =>
  (await sql`select id::text from private.audit_log
    where table_schema = ${table.split('.')[0]} and table_name = ${table.split('.')[1]}
    order by id`).map((r) => r.id as string);

const blockOf = async (sql: postgres.Sql, auditId: string) =>
  BigInt(
    (await sql`select block_id::text from private.audit_seals where audit_id = ${auditId}`)[0]
      .block_id,
  );

const sqlProblems = async (sql: postgres.Sql | postgres.TransactionSql, from: bigint) =>
  (await sql`select block_id::text, audit_id::text, problem
    from private.verify_audit_log(${String(from)}::bigint)`).map((r) => ({
    blockId: r.block_id,
    auditId: r.audit_id,
    problem: r.problem,
  } as AuditProblem)).sort(compareProblems);

Deno.test(
  'audit chain - TypeScript hashes real rows to the same bytes as SQL, and both verify',
  opts,
  async () => {
    await withAuditedTable(async (table, sql) => {
      const user = crypto.randomUUID();
      await sql.begin(async (tx) => {
        await tx`select set_config('tallyq.correlation_id', 'req-Ünïcode ✓', true),
                        set_config('tallyq.client_ip', '2001:db8::7', true),
                        set_config('tallyq.user_agent', 'Mozilla/5.0 "quoted" \\ back', true)`;
        await tx.unsafe(
          `insert into ${table} (user_id, holder_email, amount, note, tags, at)
          values ($1, 'a@example.test', 10.50, E'line\\nbreak \\u00e9 "q" \\t', '{x,"y z"}',
                  '2026-01-01 00:00:00+00'),
                 ($1, null, 0.000, null, '{}', '2026-01-01 00:00:00.000001+00')`,
          [user],
        );
        await tx.unsafe(`update ${table} set amount = amount * 3, holder_email = 'b@example.test',
          "odd ""name"" \\ é" = 1`);
        await tx.unsafe(`delete from ${table} where amount = 0`);
      });
      const ids = await auditIdsOf(sql, table);
      assert.equal(ids.length, 5);
      await sealUntil(sql, ids);
      const from = await blockOf(sql, ids[0]);

      const chain = await loadAuditChain(sql, from);
      const sqlHashes = await sql`select id::text, sha256(private.audit_row_bytes(l)) as h
        from private.audit_log as l where id = any(${ids}::bigint[]) order by id`;
      for (const { id, h } of sqlHashes) {
        const row = chain.rows.find((r) => r.id === id);
        assert.ok(row, `row ${id} loaded`);
        assert.equal(hex(rowHash(row)), hex(h), `row ${id} hashes the same in TS and SQL`);
      }
      assert.deepEqual(verifyAuditChain(chain, from), []);
      assert.deepEqual(await sqlProblems(sql, from), []);
    });
  },
);

Deno.test(
  'audit chain - TypeScript and SQL report the same edited, deleted and reordered rows',
  opts,
  async () => {
    await withAuditedTable(async (table, sql) => {
      await sql.unsafe(`insert into ${table} (amount) select n from generate_series(1, 6) as n`);
      const ids = await auditIdsOf(sql, table);
      await sealUntil(sql, ids);
      const from = await blockOf(sql, ids[0]);
      const tampers = [
        `update private.audit_log set new_record = new_record || '{"amount": 1000}' where id = ${
          ids[1]
        }`,
        `delete from private.audit_log where id = ${ids[2]}`,
        // two rows swap places (ids), contents unchanged
        `create temp table swap on commit drop as select * from private.audit_log
           where id in (${ids[3]}, ${ids[4]});
         delete from private.audit_log where id in (${ids[3]}, ${ids[4]});
         insert into private.audit_log overriding system value
           select (jsonb_populate_record(s, jsonb_build_object('id',
             case s.id when ${ids[3]} then ${ids[4]} else ${ids[3]} end))).*
           from swap as s`,
      ];
      const expected = [
        [`${ids[1]} row_altered`],
        [`${ids[2]} row_missing`],
        [`${ids[3]} row_reordered`, `${ids[4]} row_reordered`],
      ];
      for (const [i, tamper] of tampers.entries()) {
        await sql.begin(async (tx) => {
          await tx`set local session_replication_role = replica`;
          await tx.unsafe(tamper);
          const fromSql = await sqlProblems(tx, from);
          const fromTs = verifyAuditChain(await loadAuditChain(tx, from), from);
          assert.deepEqual(fromTs, fromSql, `tamper ${i}: TS and SQL agree`);
          assert.deepEqual(fromTs.map((p) => `${p.auditId} ${p.problem}`), expected[i]);
          throw new Rollback();
        }).catch((e) => {
          if (!(e instanceof Rollback)) throw e;
        });
      }
      assert.deepEqual(await sqlProblems(sql, from), [], 'rolled back: the chain verifies again');
    });
  },
);

class Rollback extends Error {}

Deno.test(
  'audit chain - a row is sealed only after its transaction ends, and writers never wait for the sealer',
  opts,
  async () => {
    await withAuditedTable(async (table, sql) => {
      const open = connect();
      const sealer = connect();
      try {
        // A transaction that has written an audited row and stays open…
        await open`begin`;
        await open.unsafe(`insert into ${table} (amount) values (1)`);
        const [{ id: openId }] = await open`select max(id)::text as id from private.audit_log`;
        // …while a later transaction commits its own.
        await sql.unsafe(`insert into ${table} (amount) values (2)`);
        const [committedId] = (await auditIdsOf(sql, table)).slice(-1);
        await sql`select private.seal_audit_log()`;
        const sealed = async (id: string) =>
          (await sql`select 1 from private.audit_seals where audit_id = ${id}`).length === 1;
        assert.equal(await sealed(openId), false, "the open transaction's row is not sealed");
        assert.equal(
          await sealed(committedId),
          false,
          'nor a row committed after it started (the horizon is the oldest open transaction)',
        );

        // A sealer holding its lock (until its commit below) does not hold up writers: a writer
        // that queued behind it would hit the timeout.
        await sealer`begin`;
        await sealer`select private.seal_audit_log()`;
        await sql.begin(async (tx) => {
          await tx`set local statement_timeout = 10000`;
          await tx.unsafe(`insert into ${table} (amount) values (3)`);
        });

        await sealer`commit`;
        await open`commit`;
        const ids = await auditIdsOf(sql, table);
        await sealUntil(sql, ids);
        assert.ok(await sealed(openId) && await sealed(committedId));
        assert.deepEqual(await sqlProblems(sql, await blockOf(sql, ids[0])), []);
      } finally {
        await open.end();
        await sealer.end();
      }
    });
  },
);
