-- The audit trigger runs once per statement (transition tables) and still records every changed row
-- of it: multi-row inserts, updates (each row's own before and after image, even when its key
-- changes) and deletes, each with its own personal data, and no audit row for a statement that
-- changed nothing.
begin;
\ir ../00_helpers/tests_schema.psql
select plan(8);

create table tests.ledger_lines (
  id int primary key, owner_id uuid, note text, amount_minor bigint not null);
select private.enable_audit('tests.ledger_lines', null, '{note}', 'owner_id');

insert into tests.ledger_lines values
  (1, '00000000-0000-4000-8000-000000000001', 'first', 10),
  (2, '00000000-0000-4000-8000-000000000002', null, 20),
  (3, null, 'third', 30);
select results_eq(
  $$select record_pk, new_record, subject_id from private.audit_log
    where table_schema = 'tests' and table_name = 'ledger_lines' and op = 'INSERT' order by id$$,
  $$values ('{"id": 1}'::jsonb, '{"id": 1, "owner_id": "00000000-0000-4000-8000-000000000001", "amount_minor": 10}'::jsonb,
            '00000000-0000-4000-8000-000000000001'::uuid),
           ('{"id": 2}', '{"id": 2, "owner_id": "00000000-0000-4000-8000-000000000002", "amount_minor": 20}', null),
           ('{"id": 3}', '{"id": 3, "owner_id": null, "amount_minor": 30}', null)$$,
  'a three-row insert writes three audit rows, personal column left out, subject where there is personal data'
);
select results_eq(
  $$select l.record_pk, p.data from private.audit_log as l
    join private.audit_personal_data as p on p.audit_id = l.id
    where l.table_schema = 'tests' and l.table_name = 'ledger_lines' and l.op = 'INSERT' order by l.id$$,
  $$values ('{"id": 1}'::jsonb, '{"new": {"note": "first"}}'::jsonb), ('{"id": 3}', '{"new": {"note": "third"}}')$$,
  'each row''s personal data is stored once, against its own audit row'
);

update tests.ledger_lines set amount_minor = amount_minor * 2, note = case when id = 2 then 'second' else note end;
select results_eq(
  $$select record_pk, old_record ->> 'amount_minor', new_record ->> 'amount_minor', changed_fields
    from private.audit_log where table_schema = 'tests' and table_name = 'ledger_lines' and op = 'UPDATE'
    order by record_pk ->> 'id'$$,
  $$values ('{"id": 1}'::jsonb, '10', '20', '{amount_minor}'::text[]),
           ('{"id": 2}', '20', '40', '{amount_minor,note}'),
           ('{"id": 3}', '30', '60', '{amount_minor}')$$,
  'a three-row update pairs each row''s before and after image'
);
select results_eq(
  $$select p.data from private.audit_log as l join private.audit_personal_data as p on p.audit_id = l.id
    where l.table_schema = 'tests' and l.table_name = 'ledger_lines' and l.op = 'UPDATE' and l.record_pk = '{"id": 2}'$$,
  $$values ('{"new": {"note": "second"}}'::jsonb)$$,
  'the personal part of an update is that row''s own'
);

update tests.ledger_lines set id = id + 10 where id in (1, 3);
select results_eq(
  $$select old_record ->> 'id', new_record ->> 'id', record_pk, changed_fields from private.audit_log
    where table_schema = 'tests' and table_name = 'ledger_lines' and op = 'UPDATE' and changed_fields = '{id}'
    order by id$$,
  $$values ('1', '11', '{"id": 11}'::jsonb, '{id}'::text[]), ('3', '13', '{"id": 13}', '{id}')$$,
  'an update of the key records the old and new key of the same row'
);

delete from tests.ledger_lines where amount_minor > 30;
select results_eq(
  $$select record_pk, old_record ->> 'amount_minor', new_record from private.audit_log
    where table_schema = 'tests' and table_name = 'ledger_lines' and op = 'DELETE' order by record_pk ->> 'id'$$,
  $$values ('{"id": 13}'::jsonb, '60', null::jsonb), ('{"id": 2}', '40', null)$$,
  'a two-row delete records both old rows'
);

select is(
  (select count(*)::int from private.audit_log where table_schema = 'tests' and table_name = 'ledger_lines'),
  3 + 3 + 2 + 2, 'the audit has one row per changed row and nothing more');
update tests.ledger_lines set amount_minor = 0 where id = 999;
delete from tests.ledger_lines where id = 999;
select is(
  (select count(*)::int from private.audit_log where table_schema = 'tests' and table_name = 'ledger_lines'),
  10, 'statements that change no row write no audit row');

select * from finish();
rollback;
