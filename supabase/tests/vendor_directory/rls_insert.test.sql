-- vendor_directory × insert: clients never write the directory (the settle trigger does);
-- operators (service_role) may, to correct a name.
begin;
\ir ../00_helpers/tests_schema.psql
\ir ../receipts/fixtures.psql
\ir fixtures.psql
select plan(6);
select tests.seed_tenancy() as acme_id \gset
\ir fixture_row.psql

select $$insert into public.vendor_directory (organisation_id, tax_id, vendor, confidence) values (tests.org_id('acme'), '000000000001', 'FAKE', 0.99)$$ as stmt \gset
select tests.rls_is('anon', :'stmt', '42501: permission denied for table vendor_directory', 'anon cannot add entries');
select tests.rls_is('stranger', :'stmt', '42501: permission denied for table vendor_directory', 'a stranger cannot add entries');
select tests.rls_is('member', :'stmt', '42501: permission denied for table vendor_directory', 'a member cannot add entries');
select tests.rls_is('admin', :'stmt', '42501: permission denied for table vendor_directory', 'an admin cannot add entries');
select tests.rls_is('owner', :'stmt', '42501: permission denied for table vendor_directory', 'the owner cannot add entries');
select tests.rls_is('service_role', :'stmt', 'rows 1', 'service_role (operators) can add entries');

select * from finish();
rollback;
