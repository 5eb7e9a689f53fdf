-- The sealer's blocks are bounded: a block ends before the transaction that would take it past
-- p_max_rows rows, holds a whole transaction even when that one alone is larger, and the blocks
-- that follow pick up exactly where it ended. The rows are made with chosen txids above this
-- transaction's own, so the test controls every transaction boundary.
begin;
\ir ../00_helpers/tests_schema.psql
\ir fixtures.psql
select plan(7);

-- everything written so far, this transaction's own row included, goes into one block first (the
-- one-argument form has no bound), so the next block starts at x0
insert into tests.accounts (balance_minor) values (1);
select tests.seal_now() as cleared \gset
select (pg_current_xact_id()::text::bigint + 1) as x0 \gset
insert into private.audit_log (table_schema, table_name, op, txid)
select 'tests', 'bounded', 'INSERT', (:x0 + t)::text::xid8
from unnest(array[0, 0, 1, 2, 2, 2, 3]) as t;
create temp table sealed (n int, block_id bigint);
insert into sealed values (1, private.seal_audit_block((:x0 + 10)::text::xid8, 2));
insert into sealed values (2, private.seal_audit_block((:x0 + 10)::text::xid8, 2));
insert into sealed values (3, private.seal_audit_block((:x0 + 10)::text::xid8, 2));
insert into sealed values (4, private.seal_audit_block((:x0 + 10)::text::xid8, 2));
insert into sealed values (5, private.seal_audit_block((:x0 + 10)::text::xid8, 2));

select results_eq(
  format($$select b.row_count, b.xid_from::text::bigint - %1$s, b.xid_to::text::bigint - %1$s
    from sealed as s join private.audit_blocks as b on b.id = s.block_id order by s.n$$, :x0),
  $$values (2, 0::bigint, 1::bigint), (1, 1, 2), (3, 2, 3), (1, 3, 10)$$,
  'bounded to 2 rows: cut at transaction boundaries; a 3-row transaction stays whole'
);
select is((select block_id from sealed where n = 5), null, 'then there is nothing left to seal');
select is(
  (select count(*)::int from private.audit_seals as s join private.audit_log as l on l.id = s.audit_id
   where l.table_name = 'bounded'), 7, 'every row is sealed exactly once');
select is_empty(
  format('select * from private.verify_audit_log(%s)', (select min(block_id) from sealed)),
  'the bounded blocks verify as a chain');

-- the cron entry point seals at most p_max_blocks blocks per run
select is(private.seal_audit_log(100, 3), null::bigint,
  'the cron sealer leaves rows of running transactions (this one) alone');
select is(
  (select count(*)::int from cron.job where jobname = 'tallyq_audit_seal'
     and command = 'select private.seal_audit_log()'), 1,
  'pg_cron runs the bounded sealer every minute');
select is(
  (select pg_get_function_arguments('private.seal_audit_log'::regproc)),
  'p_max_rows integer DEFAULT 10000, p_max_blocks integer DEFAULT 20',
  'with its bounds: 20 blocks of 10,000 rows a run');

select * from finish();
rollback;
