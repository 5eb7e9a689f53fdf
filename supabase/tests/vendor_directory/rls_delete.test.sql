-- vendor_directory × delete: clients cannot remove entries (they go with their organisation);
-- operators (service_role) can.
begin;
\ir ../00_helpers/tests_schema.psql
\ir ../receipts/fixtures.psql
\ir fixtures.psql
select plan(6);
select tests.seed_tenancy() as acme_id \gset
\ir fixture_row.psql

select $$delete from public.vendor_directory$$ as stmt \gset
select tests.rls_is('anon', :'stmt', '42501: permission denied for table vendor_directory', 'anon cannot delete entries');
select tests.rls_is('stranger', :'stmt', '42501: permission denied for table vendor_directory', 'a stranger cannot delete entries');
select tests.rls_is('member', :'stmt', '42501: permission denied for table vendor_directory', 'a member cannot delete entries');
select tests.rls_is('admin', :'stmt', '42501: permission denied for table vendor_directory', 'an admin cannot delete entries');
select tests.rls_is('owner', :'stmt', '42501: permission denied for table vendor_directory', 'the owner cannot delete entries');
select tests.rls_is('service_role', :'stmt', 'rows 1', 'service_role (operators) can delete entries');

select * from finish();
rollback;
