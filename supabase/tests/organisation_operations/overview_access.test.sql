-- organisation_operations_overview × caller: the organisation's owners and admins and the service
-- role; a plain member is refused (42501), a stranger learns nothing (not found), anon cannot
-- execute it.
begin;
\ir ../00_helpers/tests_schema.psql
select plan(8);
select tests.seed_tenancy() as acme_id \gset

select format('select * from public.organisation_operations_overview(%L)', :'acme_id') as stmt \gset
select tests.rls_is('anon', :'stmt', '42501: permission denied for function organisation_operations_overview', 'anon cannot execute it');
select tests.rls_is('stranger', :'stmt', 'P0002: Organisation not found', 'a stranger: not found (existence not revealed)');
select tests.rls_is('member', :'stmt', '42501: Only owners and admins of the organisation can see its operations', 'a plain member is refused');
select tests.rls_is('admin', :'stmt', 'rows 1', 'an admin sees the overview');
select tests.rls_is('owner', :'stmt', 'rows 1', 'the owner sees the overview');
select tests.rls_is('service_role', :'stmt', 'rows 1', 'the service role sees any organisation''s');
select tests.rls_is('service_role', format('select * from public.organisation_operations_overview(%L)', gen_random_uuid()), 'P0002: Organisation not found', 'the service role: an unknown organisation is not found');
select tests.rls_is('stranger', format('select * from public.organisation_operations_overview(%L)', tests.personal_org_id('stranger')), 'rows 1', 'the stranger owns their personal organisation and sees its overview');

select * from finish();
rollback;
