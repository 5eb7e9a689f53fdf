-- receipt_events × delete: append-only for everyone; clients lack the privilege, service_role and
-- the table owner hit the append-only trigger.
begin;
\ir ../00_helpers/tests_schema.psql
\ir ../receipts/fixtures.psql
select plan(7);
select tests.seed_tenancy() as acme_id \gset
select tests.insert_receipt('member', 'member-1') as receipt_id \gset

select format('delete from public.receipt_events where receipt_id = %L', :'receipt_id') as stmt \gset
select tests.rls_is('anon', :'stmt', '42501: permission denied for table receipt_events', 'anon cannot delete events');
select tests.rls_is('stranger', :'stmt', '42501: permission denied for table receipt_events', 'a stranger cannot delete events');
select tests.rls_is('member', :'stmt', '42501: permission denied for table receipt_events', 'a member cannot delete events');
select tests.rls_is('admin', :'stmt', '42501: permission denied for table receipt_events', 'an admin cannot delete events');
select tests.rls_is('owner', :'stmt', '42501: permission denied for table receipt_events', 'the owner cannot delete events');
select tests.rls_is('service_role', :'stmt', '42501: receipt_events is append-only', 'service_role cannot delete events either');
select tests.rls_is('postgres', :'stmt', '42501: receipt_events is append-only', 'nor can the table owner');

select * from finish();
rollback;
