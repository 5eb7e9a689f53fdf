-- vendor_directory × select: members read their organisation's directory; nobody else does.
begin;
\ir ../00_helpers/tests_schema.psql
\ir ../receipts/fixtures.psql
\ir fixtures.psql
select plan(6);
select tests.seed_tenancy() as acme_id \gset
\ir fixture_row.psql

select $$select 1 from public.vendor_directory$$ as stmt \gset
select tests.rls_is('anon', :'stmt', '42501: permission denied for table vendor_directory', 'anon cannot read the directory');
select tests.rls_is('stranger', :'stmt', 'rows 0', 'a stranger sees no entries of the organisation');
select tests.rls_is('member', :'stmt', 'rows 1', 'a member sees the entry');
select tests.rls_is('admin', :'stmt', 'rows 1', 'an admin sees the entry');
select tests.rls_is('owner', :'stmt', 'rows 1', 'the owner sees the entry');
select tests.rls_is('service_role', :'stmt', 'rows 1', 'service_role sees the entry');

select * from finish();
rollback;
