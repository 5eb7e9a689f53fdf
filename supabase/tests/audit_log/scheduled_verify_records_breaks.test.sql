-- The scheduled verification (tallyq_audit_verify) checks the blocks sealed since its last run
-- plus a rolling window of older ones, records what it found, and the audit_chain_broken alert
-- reads that record: an edit of a sealed row fires it, and later runs keep finding it.
begin;
\ir ../00_helpers/tests_schema.psql
\ir fixtures.psql
select plan(9);

insert into tests.accounts (balance_minor) select n from generate_series(1, 3) as n;
select tests.seal_now() as block_id \gset
select (select max(id) from private.audit_blocks) as top, (select max(id) + 1 from private.audit_blocks) as top_next \gset

select results_eq(
  $$select new_to, problem_count, problems from private.verify_audit_chain(1000000, 0)$$,
  format($$values (%s::bigint, 0, '[]'::jsonb)$$, :top),
  'a first run verifies every block up to the newest and records no problem'
);
select results_eq(
  $$select new_from, recheck_from, recheck_to, problem_count from private.verify_audit_chain(1000000, 2)$$,
  format($$values (null::bigint, 1::bigint, least(2, %s)::bigint, 0)$$, :top),
  'with no new block, a run rechecks the oldest blocks'
);
select is_empty($$select * from private.alert_rule_audit_chain_broken(0)$$,
  'an intact chain raises no alert');

-- an attacker with full access edits a sealed row (triggers off)
set local session_replication_role = replica;
update private.audit_log set new_record = jsonb_set(new_record, '{balance_minor}', '999')
where id = (select min(l.id) from private.audit_log as l where l.table_schema = 'tests' and l.table_name = 'accounts');
set local session_replication_role = origin;
-- a later block (this transaction's own txid is sealed already: a row with the next txid stands in)
insert into private.audit_log (table_schema, table_name, op, txid)
values ('tests', 'later', 'INSERT', (pg_current_xact_id()::text::bigint + 1)::text::xid8);
select private.seal_audit_block((pg_current_xact_id()::text::bigint + 2)::text::xid8) as next_block \gset

select results_eq(
  $$select new_from, new_to, problem_count, first_problem_block, problems -> 0 ->> 'problem'
    from private.verify_audit_chain(1000000, 1000000)$$,
  format($$values (%s::bigint, %s::bigint, 1, %s::bigint, 'row_altered')$$, :top_next, :next_block, :block_id),
  'the rolling recheck of verified blocks finds the edit and the run records it'
);
select isnt_empty($$select * from private.alert_rule_audit_chain_broken(0)$$,
  'the audit_chain_broken alert fires from the recorded verification');
select ok(
  (select summary from private.alert_rule_audit_chain_broken(0)) like '%1 problems from block ' || :block_id || ')',
  'its summary names the count and the first broken block');
select results_eq(
  $$select new_from, problem_count, first_problem_block from private.verify_audit_chain(1000000, 0)$$,
  format($$values (%s::bigint, 1, %s::bigint)$$, :block_id, :block_id),
  'the next run starts again at the broken block, so the alert keeps firing'
);
select throws_ok($$update private.audit_verifications set problem_count = 0$$,
  '42501', 'private.audit_verifications is append-only: UPDATE is not allowed',
  'the verification record cannot be edited away');
select is(
  (select count(*)::int from cron.job where jobname = 'tallyq_audit_verify'
     and schedule = '41 * * * *' and command = 'select private.verify_audit_chain()'), 1,
  'pg_cron runs the verification hourly');

select * from finish();
rollback;
