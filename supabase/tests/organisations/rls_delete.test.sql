-- organisations × delete: only owners delete, and only shared (not personal) organisations.
begin;
\ir ../00_helpers/tests_schema.psql
select plan(7);
select tests.seed_tenancy() as acme_id \gset

select format('delete from public.organisations where id = %L', :'acme_id') as del \gset
select tests.rls_is('anon', :'del', '42501: permission denied for table organisations', 'anon cannot delete organisations');
select tests.rls_is('stranger', :'del', 'rows 0', 'a stranger deletes nothing');
select tests.rls_is('member', :'del', 'rows 0', 'a member cannot delete the organisation');
select tests.rls_is('admin', :'del', 'rows 0', 'an admin cannot delete the organisation');
select tests.rls_is('owner', :'del', 'rows 1', 'the owner deletes the organisation');
select tests.rls_is('service_role', :'del', 'rows 1', 'service_role deletes the organisation');
select tests.rls_is('owner', format('delete from public.organisations where id = %L', tests.personal_org_id('owner')),
  'rows 0', 'an owner cannot delete their personal organisation');

select * from finish();
rollback;
