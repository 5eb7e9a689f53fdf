-- memberships × select: members read the member list of their organisations only.
begin;
\ir ../00_helpers/tests_schema.psql
select plan(6);
select tests.seed_tenancy() as acme_id \gset

select format('select 1 from public.memberships where organisation_id = %L', :'acme_id') as sel \gset
select tests.rls_is('anon', :'sel', '42501: permission denied for table memberships', 'anon cannot read memberships');
select tests.rls_is('stranger', :'sel', 'rows 0', 'a stranger sees no memberships of the organisation');
select tests.rls_is('member', :'sel', 'rows 3', 'a member sees all three memberships');
select tests.rls_is('admin', :'sel', 'rows 3', 'an admin sees all three memberships');
select tests.rls_is('owner', :'sel', 'rows 3', 'the owner sees all three memberships');
select tests.rls_is('service_role', :'sel', 'rows 3', 'service_role sees all three memberships');

select * from finish();
rollback;
