-- receipts × update: only service_role (the worker, the erasure path) updates receipts; clients cannot.
begin;
\ir ../00_helpers/tests_schema.psql
\ir ../receipts/fixtures.psql
select plan(6);
select tests.seed_tenancy() as acme_id \gset
select tests.isolate_receipt_pipeline();
select tests.insert_receipt('owner', 'owner-1');
select tests.insert_receipt('member', 'member-1');

select format('update public.receipts set vendor = ''Forged'' where organisation_id = %L', :'acme_id') as stmt \gset
select tests.rls_is('anon', :'stmt', '42501: permission denied for table receipts', 'anon cannot change receipts');
select tests.rls_is('stranger', :'stmt', '42501: permission denied for table receipts', 'a stranger cannot change receipts');
select tests.rls_is('member', :'stmt', '42501: permission denied for table receipts', 'a member cannot change receipts, not even their own');
select tests.rls_is('admin', :'stmt', '42501: permission denied for table receipts', 'an admin cannot change receipts');
select tests.rls_is('owner', :'stmt', '42501: permission denied for table receipts', 'the owner cannot change receipts');
select tests.rls_is('service_role', :'stmt', 'rows 2', 'service_role can change both receipts');

select * from finish();
rollback;
