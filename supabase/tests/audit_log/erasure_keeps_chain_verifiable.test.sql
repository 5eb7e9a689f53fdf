-- GDPR erasure removes a person's personal audit data (IP, user agent, personal columns) and the
-- chain still verifies; personal data removed or changed any other way is reported.
begin;
\ir ../00_helpers/tests_schema.psql
\ir fixtures.psql
select plan(9);
select tests.seed_tenancy() as acme_id \gset

-- owner and member each open their account from the app (IP set by the edge function)
select set_config('tallyq.client_ip', '198.51.100.4', true);
select tests.run_as(u, format(
  'insert into tests.accounts (organisation_id, user_id, holder_email) values (%L, %L, %L)',
  :'acme_id', tests.user_id(u), u || '@example.test'))
from unnest(array['owner', 'member']) as u;
select tests.seal_now() as block_id \gset
select string_agg(id::text, ' ' order by id) as audit_ids from private.audit_log where table_schema = 'tests' \gset

select is(tests.problems_after(
    $$update private.audit_personal_data set data = jsonb_set(data, '{new,holder_email}', '"x@example.test"')
      where audit_id in (select id from private.audit_log where table_schema = 'tests')$$, :block_id),
  (select string_agg(id || ' personal_data_altered', ', ' order by id) from private.audit_log where table_schema = 'tests'),
  'edited personal data is reported');
select is(tests.problems_after(
    $$update private.audit_contexts set data = jsonb_set(data, '{client_ip}', '"10.0.0.1"')
      where id in (select context_id from private.audit_log where table_schema = 'tests')$$, :block_id),
  (select string_agg(id || ' context_altered', ', ' order by id) from private.audit_log where table_schema = 'tests'),
  'an edited request context (IP address) is reported');

select tests.rls_is('postgres', 'delete from private.audit_personal_data',
  '42501: private.audit_personal_data is append-only: DELETE is not allowed',
  'personal data cannot be deleted outside erasure');
select is(tests.problems_after($$delete from private.audit_personal_data
    where audit_id in (select id from private.audit_log where table_schema = 'tests')$$, :block_id),
  (select string_agg(id || ' personal_data_missing', ', ' order by id) from private.audit_log where table_schema = 'tests'),
  'personal data deleted without an erasure is reported');

-- the owner's: their account's email, their request context, and the names of the two
-- organisations they created (their personal one and Acme: organisations.name is personal)
select is(private.erase_audit_personal_data(tests.user_id('owner')), 4::bigint,
  'erasure removes the owner''s personal records (account, two organisation names) and request context');
select is_empty(format('select * from private.verify_audit_log(%s)', :block_id),
  'the chain still verifies after erasure');
select results_eq(
  $$select c.data ->> 'client_ip', p.data -> 'new' ->> 'holder_email'
    from private.audit_log as l
    left join private.audit_personal_data as p on p.audit_id = l.id
    left join private.audit_contexts as c on c.id = l.context_id
    where l.table_schema = 'tests' and l.table_name = 'accounts' order by l.actor_id = tests.user_id('owner')$$,
  $$values ('198.51.100.4', 'member@example.test'), (null, null)$$,
  'the owner''s IP and email are gone, the member''s are kept');
select results_eq(
  $$select (select count(*) from private.audit_log where table_schema = 'tests' and table_name = 'accounts')::int,
           (select rows_erased from private.audit_erasures where subject_id = tests.user_id('owner'))::int$$,
  $$values (2, 4)$$, 'the audit rows stay and the erasure is recorded');
select is_empty(format(
  $$select l.id from private.audit_log as l
    left join private.audit_personal_data as p on p.audit_id = l.id
    where l.table_name = 'organisations' and l.record_pk ->> 'id' in (%L, %L)
      and (l.old_record ? 'name' or l.new_record ? 'name' or p.audit_id is not null)$$,
  :'acme_id', tests.personal_org_id('owner')),
  'no audit row of the organisations the owner created keeps a readable name');

select * from finish();
rollback;
