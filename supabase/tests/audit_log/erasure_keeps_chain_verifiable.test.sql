-- GDPR erasure removes a person's personal audit data (IP, user agent, personal columns) and the
-- chain still verifies; personal data removed or changed any other way is reported.
begin;
\ir ../00_helpers/tests_schema.psql
\ir fixtures.psql
select plan(7);
select tests.seed_tenancy() as acme_id \gset

select set_config('tallyq.client_ip', '198.51.100.4', true);
insert into tests.accounts (organisation_id, user_id, holder_email)
values (:'acme_id', tests.user_id('owner'), 'owner@example.test'),
       (:'acme_id', tests.user_id('member'), 'member@example.test');
select tests.seal_now() as block_id \gset

select is(tests.problems_after(
    $$update private.audit_personal_data set data = jsonb_set(data, '{client_ip}', '"10.0.0.1"')
      where audit_id in (select id from private.audit_log where table_schema = 'tests')$$, :block_id),
  (select string_agg(id || ' personal_data_altered', ', ' order by id) from private.audit_log where table_schema = 'tests'),
  'edited personal data is reported');

select tests.rls_is('postgres', 'delete from private.audit_personal_data',
  '42501: private.audit_personal_data is append-only: DELETE is not allowed',
  'personal data cannot be deleted outside erasure');
select is(tests.problems_after($$delete from private.audit_personal_data
    where audit_id in (select id from private.audit_log where table_schema = 'tests')$$, :block_id),
  (select string_agg(id || ' personal_data_missing', ', ' order by id) from private.audit_log where table_schema = 'tests'),
  'personal data deleted without an erasure is reported');

select is(private.erase_audit_personal_data(tests.user_id('owner')), 1::bigint,
  'erasure removes the owner''s one personal record');
select is_empty(format('select * from private.verify_audit_log(%s)', :block_id),
  'the chain still verifies after erasure');
select results_eq(
  $$select p.data ->> 'client_ip', p.data -> 'new' ->> 'holder_email'
    from private.audit_log as l left join private.audit_personal_data as p on p.audit_id = l.id
    where l.table_schema = 'tests' and l.table_name = 'accounts' order by l.subject_id = tests.user_id('owner')$$,
  $$values ('198.51.100.4', 'member@example.test'), (null, null)$$,
  'the owner''s IP and email are gone, the member''s are kept');
select results_eq(
  $$select (select count(*) from private.audit_log where table_schema = 'tests' and table_name = 'accounts')::int,
           (select rows_erased from private.audit_erasures where subject_id = tests.user_id('owner'))::int$$,
  $$values (2, 1)$$, 'the audit rows stay and the erasure is recorded');

select * from finish();
rollback;
