-- claim_receipt_batch / settle_receipt_batch × execute: the worker's API, service_role only
-- (anon does not even reach the private schema).
begin;
\ir ../00_helpers/tests_schema.psql
\ir ../receipts/fixtures.psql
select plan(12);
select tests.seed_tenancy() as acme_id \gset
select tests.isolate_receipt_pipeline();

select tests.rls_is(a, format('select * from private.%s', f.call), case a when 'anon' then '42501: permission denied for schema private' else format('42501: permission denied for function %s', f.name) end, format('%s cannot execute %s', a, f.name))
from unnest(array['anon', 'stranger', 'member', 'admin', 'owner']) as a,
     (values ('claim_receipt_batch(10, 30)', 'claim_receipt_batch', 1), ('settle_receipt_batch(''[]'')', 'settle_receipt_batch', 2)) as f(call, name, n)
order by f.n, a;
select tests.rls_is('service_role', 'select * from private.claim_receipt_batch(10, 30)', 'rows 0', 'service_role claims (an empty queue: no rows)');
select tests.rls_is('service_role', 'select private.settle_receipt_batch(''[]'')', 'rows 1', 'service_role settles (an empty batch)');

select * from finish();
rollback;
