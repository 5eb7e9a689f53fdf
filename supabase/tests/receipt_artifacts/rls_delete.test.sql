-- receipt_artifacts × delete: only service_role (the erasure path) removes artifacts.
begin;
\ir ../00_helpers/tests_schema.psql
\ir ../receipts/fixtures.psql
select plan(6);
select tests.seed_tenancy() as acme_id \gset
\ir fixture.psql

select 'delete from public.receipt_artifacts' as stmt \gset
select tests.rls_is('anon', :'stmt', '42501: permission denied for table receipt_artifacts', 'anon cannot delete artifacts');
select tests.rls_is('stranger', :'stmt', '42501: permission denied for table receipt_artifacts', 'a stranger cannot delete artifacts');
select tests.rls_is('member', :'stmt', '42501: permission denied for table receipt_artifacts', 'a member cannot delete artifacts');
select tests.rls_is('admin', :'stmt', '42501: permission denied for table receipt_artifacts', 'an admin cannot delete artifacts');
select tests.rls_is('owner', :'stmt', '42501: permission denied for table receipt_artifacts', 'the owner cannot delete artifacts');
select tests.rls_is('service_role', :'stmt', 'rows 1', 'service_role deletes the artifact');

select * from finish();
rollback;
