-- receipt_queue_health / receipt_failures × select: they read queue internals, so only
-- service_role may; clients of every kind are refused. (Both views are not updatable.)
begin;
\ir ../00_helpers/tests_schema.psql
\ir ../receipts/fixtures.psql
select plan(14);
select tests.seed_tenancy() as acme_id \gset
select tests.isolate_receipt_pipeline();
select tests.insert_receipt('member', 'member-1');

select tests.rls_is(a, 'select * from public.receipt_queue_health', '42501: permission denied for view receipt_queue_health', a || ' cannot read queue health')
from unnest(array['anon', 'stranger', 'member', 'admin', 'owner']) as a;
select tests.rls_is('service_role', 'select * from public.receipt_queue_health', 'rows 1', 'service_role reads queue health');
select tests.rls_is(a, 'select * from public.receipt_failures', '42501: permission denied for view receipt_failures', a || ' cannot read failures')
from unnest(array['anon', 'stranger', 'member', 'admin', 'owner']) as a;
select tests.rls_is('service_role', 'select * from public.receipt_failures', 'rows 0', 'service_role reads failures (none yet)');
select tests.rls_is('member', 'delete from public.receipt_failures', '55000: cannot delete from view "receipt_failures"', 'nobody deletes through the failures view: it is not updatable');
select tests.rls_is('service_role', 'delete from public.receipt_failures', '55000: cannot delete from view "receipt_failures"', 'not even service_role');

select * from finish();
rollback;
