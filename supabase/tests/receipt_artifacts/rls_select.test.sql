-- receipt_artifacts × select: members read their organisation's OCR artifacts; nobody else does.
begin;
\ir ../00_helpers/tests_schema.psql
\ir ../receipts/fixtures.psql
select plan(6);
select tests.seed_tenancy() as acme_id \gset
\ir fixture.psql

select 'select 1 from public.receipt_artifacts' as sel \gset
select tests.rls_is('anon', :'sel', '42501: permission denied for table receipt_artifacts', 'anon cannot read artifacts');
select tests.rls_is('stranger', :'sel', 'rows 0', 'a stranger sees no artifacts of the organisation');
select tests.rls_is('member', :'sel', 'rows 1', 'a member sees the artifact');
select tests.rls_is('admin', :'sel', 'rows 1', 'an admin sees the artifact');
select tests.rls_is('owner', :'sel', 'rows 1', 'the owner sees the artifact');
select tests.rls_is('service_role', :'sel', 'rows 1', 'service_role sees the artifact');

select * from finish();
rollback;
