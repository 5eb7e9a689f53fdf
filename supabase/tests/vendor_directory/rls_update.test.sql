-- vendor_directory × update: clients cannot rewrite a learnt name; operators (service_role) can.
begin;
\ir ../00_helpers/tests_schema.psql
\ir ../receipts/fixtures.psql
\ir fixtures.psql
select plan(6);
select tests.seed_tenancy() as acme_id \gset
\ir fixture_row.psql

select $$update public.vendor_directory set vendor = 'FAKE', confidence = 0.99$$ as stmt \gset
select tests.rls_is('anon', :'stmt', '42501: permission denied for table vendor_directory', 'anon cannot change entries');
select tests.rls_is('stranger', :'stmt', '42501: permission denied for table vendor_directory', 'a stranger cannot change entries');
select tests.rls_is('member', :'stmt', '42501: permission denied for table vendor_directory', 'a member cannot change entries');
select tests.rls_is('admin', :'stmt', '42501: permission denied for table vendor_directory', 'an admin cannot change entries');
select tests.rls_is('owner', :'stmt', '42501: permission denied for table vendor_directory', 'the owner cannot change entries');
select tests.rls_is('service_role', :'stmt', 'rows 1', 'service_role (operators) can change entries');

select * from finish();
rollback;
