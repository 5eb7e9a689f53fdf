-- receipt_artifacts × update: immutable for everyone; clients lack the privilege, service_role and
-- the table owner hit the immutability trigger.
begin;
\ir ../00_helpers/tests_schema.psql
\ir ../receipts/fixtures.psql
select plan(7);
select tests.seed_tenancy() as acme_id \gset
\ir fixture.psql

select 'update public.receipt_artifacts set storage_path = ''artifacts/other.json''' as stmt \gset
select tests.rls_is('anon', :'stmt', '42501: permission denied for table receipt_artifacts', 'anon cannot change artifacts');
select tests.rls_is('stranger', :'stmt', '42501: permission denied for table receipt_artifacts', 'a stranger cannot change artifacts');
select tests.rls_is('member', :'stmt', '42501: permission denied for table receipt_artifacts', 'a member cannot change artifacts');
select tests.rls_is('admin', :'stmt', '42501: permission denied for table receipt_artifacts', 'an admin cannot change artifacts');
select tests.rls_is('owner', :'stmt', '42501: permission denied for table receipt_artifacts', 'the owner cannot change artifacts');
select tests.rls_is('service_role', :'stmt', '42501: receipt_artifacts are immutable', 'service_role cannot change an artifact');
select tests.rls_is('postgres', :'stmt', '42501: receipt_artifacts are immutable', 'nor can the table owner');

select * from finish();
rollback;
