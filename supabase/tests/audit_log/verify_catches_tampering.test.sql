-- private.verify_audit_log() finds an edited, a deleted and a reordered audit row, and a changed
-- block, each made as superuser with the append-only triggers switched off.
begin;
\ir ../00_helpers/tests_schema.psql
\ir fixtures.psql
select plan(10);
select tests.seed_tenancy() as acme_id \gset

insert into tests.accounts (organisation_id, balance_minor)
select :'acme_id', n from generate_series(1, 5) as n;
update tests.accounts set balance_minor = balance_minor + 10;
select tests.seal_now() as block_id \gset
select min(id) as a1, min(id) + 1 as a2, min(id) + 2 as a3 from private.audit_log as l
where l.table_schema = 'tests' and l.table_name = 'accounts' \gset

select is_empty(format('select * from private.verify_audit_log(%s)', :block_id),
  'a freshly sealed chain verifies');
select is((select count(*)::int from private.audit_seals as s join private.audit_log as l on l.id = s.audit_id
           where s.block_id = :block_id and l.table_schema = 'tests' and l.table_name = 'accounts'), 10,
  'the block holds the ten changes');
select is(tests.seal_now(), null, 'sealing again with nothing new makes no block');

select is(tests.problems_after(format(
    $$update private.audit_log set new_record = jsonb_set(new_record, '{balance_minor}', '999') where id = %s$$, :a1),
    :block_id),
  format('%s row_altered', :a1), 'an edited row is reported as altered');

select is(tests.problems_after(format('delete from private.audit_log where id = %s', :a2), :block_id),
  format('%s row_missing', :a2), 'a deleted row is reported as missing');

-- reorder: two rows swap places (ids), contents unchanged
select is(tests.problems_after(format($$
    create temp table gone as select * from private.audit_log where id in (%1$s, %2$s);
    delete from private.audit_log where id in (%1$s, %2$s);
    insert into private.audit_log (id, occurred_at, table_schema, table_name, op, record_pk,
      organisation_id, old_record, new_record, actor_id, actor_role, txid, changed_fields,
      correlation_id, subject_id, personal_digest) overriding system value
    select case id when %1$s then %2$s else %1$s end, occurred_at, table_schema, table_name, op,
      record_pk, organisation_id, old_record, new_record, actor_id, actor_role, txid,
      changed_fields, correlation_id, subject_id, personal_digest
    from gone$$, :a1, :a3), :block_id),
  format('%s row_reordered, %s row_reordered', :a1, :a3),
  'two rows that swapped places are reported as reordered');

select is(tests.problems_after(format(
    'update private.audit_log set txid = (pg_current_xact_id()::text::bigint + 1000)::text::xid8 where id = %s', :a1),
    :block_id),
  format('%s row_moved', :a1), 'a row moved out of its block (by its txid) is reported');

select is(tests.problems_after(format($$
    insert into private.audit_log (id, table_schema, table_name, op, txid) overriding system value
    select max(id) + 100, 'public', 'accounts', 'INSERT', (select xid_from from private.audit_blocks where id = %s)
    from private.audit_log$$, :block_id), :block_id),
  (select format('%s row_unsealed', max(id) + 100) from private.audit_log),
  'a row slipped into a sealed block is reported');

select is(tests.problems_after(format(
    $$update private.audit_blocks set sealed_at = sealed_at - interval '1 day' where id = %s$$, :block_id),
    :block_id),
  '- block_altered', 'an edited block is reported');

select is(tests.problems_after(format('delete from private.audit_seals where audit_id = %s', :a2), :block_id),
  format('- seals_altered, %s row_unsealed', :a2), 'a deleted seal is reported');

select * from finish();
rollback;
