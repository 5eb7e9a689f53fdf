-- organisations × select: members read their own organisations and nothing else.
begin;
\ir ../00_helpers/tests_schema.psql
select plan(8);
select tests.seed_tenancy() as acme_id \gset

select format('select 1 from public.organisations where id = %L', tests.org_id()) as acme \gset

select tests.rls_is('anon', :'acme', '42501: permission denied for table organisations', 'anon cannot read organisations');
select tests.rls_is('stranger', :'acme', 'rows 0', 'a stranger does not see the organisation');
select tests.rls_is('member', :'acme', 'rows 1', 'a member sees the organisation');
select tests.rls_is('admin', :'acme', 'rows 1', 'an admin sees the organisation');
select tests.rls_is('owner', :'acme', 'rows 1', 'the owner sees the organisation');
select tests.rls_is('service_role', :'acme', 'rows 1', 'service_role sees the organisation');
select tests.rls_is('stranger', 'select 1 from public.organisations', 'rows 1', 'a stranger sees only their personal organisation');
select tests.rls_is('member', 'select 1 from public.organisations', 'rows 2', 'a member sees their personal organisation and acme');

select * from finish();
rollback;
