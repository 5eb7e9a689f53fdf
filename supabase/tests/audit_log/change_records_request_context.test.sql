-- An audited change carries the request context the edge function set for its transaction
-- (correlation id, client IP, user agent), the changed fields and the writing transaction's id.
begin;
\ir ../00_helpers/tests_schema.psql
\ir fixtures.psql
select plan(11);
select tests.seed_tenancy() as acme_id \gset

insert into tests.accounts (organisation_id, user_id, holder_email, balance_minor)
values (:'acme_id', tests.user_id('owner'), 'owner@example.test', 100)
returning id as account_id \gset

select set_config('tallyq.correlation_id', 'req-7f3a', true),
       set_config('tallyq.client_ip', '203.0.113.7', true),
       set_config('tallyq.user_agent', 'tallyq-app/1.0', true);
select tests.run_as('owner', format(
  'update tests.accounts set balance_minor = 250, holder_email = ''new@example.test'' where id = %L', :'account_id'));

select results_eq(
  format($$select op, record_pk, changed_fields, correlation_id, actor_id, actor_role, txid = pg_current_xact_id()
           from private.audit_log where table_schema = 'tests' and table_name = 'accounts' and op = 'UPDATE' and record_pk ->> 'id' = %L$$, :'account_id'),
  format($$values ('UPDATE', jsonb_build_object('id', %L::text), '{balance_minor,holder_email}'::text[],
                   'req-7f3a', %L::uuid, 'authenticated', true)$$, :'account_id', tests.user_id('owner')),
  'the update records its key, changed fields, correlation id, actor, role and transaction'
);
select results_eq(
  format($$select old_record ->> 'balance_minor', new_record ->> 'balance_minor', new_record ? 'holder_email'
           from private.audit_log where table_schema = 'tests' and table_name = 'accounts' and op = 'UPDATE' and record_pk ->> 'id' = %L$$, :'account_id'),
  $$values ('100', '250', false)$$,
  'old and new rows are recorded without the personal column'
);
select results_eq(
  format($$select p.subject_id, p.data
           from private.audit_log as l join private.audit_personal_data as p on p.audit_id = l.id
           where l.table_schema = 'tests' and l.table_name = 'accounts' and l.op = 'UPDATE' and l.record_pk ->> 'id' = %L$$, :'account_id'),
  format($$values (%L::uuid, jsonb_build_object(
                   'old', jsonb_build_object('holder_email', 'owner@example.test'),
                   'new', jsonb_build_object('holder_email', 'new@example.test')))$$, tests.user_id('owner')),
  'the personal column goes to the erasable personal data of the row''s subject'
);
select results_eq(
  format($$select c.subject_id, c.data, l.context_digest = sha256(c.salt || convert_to(c.data::text, 'UTF8'))
           from private.audit_log as l join private.audit_contexts as c on c.id = l.context_id
           where l.table_schema = 'tests' and l.op = 'UPDATE' and l.record_pk ->> 'id' = %L$$, :'account_id'),
  format($$values (%L::uuid, '{"client_ip": "203.0.113.7", "user_agent": "tallyq-app/1.0"}'::jsonb, true)$$,
         tests.user_id('owner')),
  'IP and user agent go to the acting user''s erasable request context, its salted digest to the row'
);
select tests.run_as('owner', format('update tests.accounts set balance_minor = 300 where id = %L', :'account_id'));
select results_eq(
  $$select count(*)::int, count(distinct context_id)::int from private.audit_log
    where table_schema = 'tests' and op = 'UPDATE'$$,
  $$values (2, 1)$$,
  'a second change in the same transaction by the same user shares the request context'
);
select is(
  (select l.personal_digest = sha256(p.salt || convert_to(p.data::text, 'UTF8'))
   from private.audit_log as l join private.audit_personal_data as p on p.audit_id = l.id
   where l.table_schema = 'tests' and l.table_name = 'accounts' and l.op = 'UPDATE'
     and 'holder_email' = any(l.changed_fields)),
  true,
  'the audit row keeps the salted digest of its personal data'
);
select results_eq(
  $$select count(*)::int from private.audit_log where table_schema = 'tests' and table_name = 'accounts' and op = 'INSERT' and changed_fields is null and correlation_id is null$$,
  $$values (1)$$,
  'an insert made without request context has no changed fields and no correlation id'
);

-- Through the view admins read what changed and who did it; an IP address only its own user.
select tests.run_as('admin', format('update public.organisations set name = ''Acme Ltd'' where id = %L', :'acme_id'));
select tests.run_as('owner', format('update public.organisations set name = ''Acme Group'' where id = %L', :'acme_id'));
select tests.rls_is('admin', format($$select 1 from public.audit_log where table_name = 'organisations' and op = 'UPDATE'
  and actor_id = %L and client_ip = '203.0.113.7' and user_agent = 'tallyq-app/1.0'
  and correlation_id = 'req-7f3a' and changed_fields = '{name}' and organisation_id = %L$$,
  tests.user_id('admin'), :'acme_id'),
  'rows 1', 'an admin reads their own change with IP, user agent, correlation id and changed fields');
select tests.rls_is('admin', format($$select 1 from public.audit_log where table_name = 'organisations' and op = 'UPDATE'
  and actor_id = %L and client_ip is null and correlation_id = 'req-7f3a'
  and organisation_id = %L$$, tests.user_id('owner'), :'acme_id'),
  'rows 1', 'an admin reads the owner''s change, but not the owner''s IP address');
-- (their own personal organisation's audit rows are theirs to read, name included)
select tests.rls_is('stranger', format(
  'select 1 from private.audit_personal_data where subject_id <> %L', tests.user_id('stranger')),
  'rows 0', 'a stranger reads no one else''s personal audit data');

-- TRUNCATE is recorded too.
truncate tests.accounts;
select results_eq(
  $$select op, record_pk from private.audit_log where table_schema = 'tests' and table_name = 'accounts' and op = 'TRUNCATE'$$,
  $$values ('TRUNCATE', null::jsonb)$$,
  'a truncate is recorded once, without a key'
);

select * from finish();
rollback;
