-- An audited change is recorded once, with the acting user, old and new values and the organisation.
begin;
\ir ../00_helpers/tests_schema.psql
select plan(3);
select tests.seed_tenancy() as acme_id \gset

select tests.run_as('admin', format('update public.organisations set name = ''Acme Ltd'' where id = %L', :'acme_id'));
select results_eq(
  -- (the name is personal data: it sits in the erasable part, audit_personal_data)
  format($$select l.op, l.actor_id, l.organisation_id, p.data -> 'old' ->> 'name', p.data -> 'new' ->> 'name', l.record_pk
           from private.audit_log as l join private.audit_personal_data as p on p.audit_id = l.id
           where l.table_name = 'organisations' and l.op = 'UPDATE' and l.organisation_id = %L$$, :'acme_id'),
  format($$values ('UPDATE', %L::uuid, %L::uuid, 'Acme', 'Acme Ltd', jsonb_build_object('id', %L::text))$$,
         tests.user_id('admin'), :'acme_id', :'acme_id'),
  'the rename is recorded once with the admin as actor'
);

select tests.run_as('owner', format('delete from public.memberships where organisation_id = %L and user_id = %L', :'acme_id', tests.user_id('member')));
select results_eq(
  format($$select op, actor_id, actor_role, old_record ->> 'role', new_record is null
           from private.audit_log where table_name = 'memberships' and op = 'DELETE' and organisation_id = %L$$, :'acme_id'),
  format($$values ('DELETE', %L::uuid, 'authenticated', 'member', true)$$, tests.user_id('owner')),
  'removing a member is recorded with the owner as actor'
);

select tests.run_as('service_role', format('update public.memberships set role = ''admin'' where organisation_id = %L and user_id = %L', :'acme_id', tests.user_id('admin')));
select results_eq(
  format($$select actor_id, actor_role from private.audit_log where table_name = 'memberships' and op = 'UPDATE' and organisation_id = %L$$, :'acme_id'),
  $$values (null::uuid, 'service_role')$$,
  'a service_role change is recorded without a user and with its role'
);

select * from finish();
rollback;
