-- replay_dead_letters / rederive_receipts / recover_stuck_receipts × execute: operator actions,
-- service_role only; every client (anon, stranger, member, admin, owner) is refused.
begin;
\ir ../00_helpers/tests_schema.psql
\ir ../receipts/fixtures.psql
select plan(18);
select tests.seed_tenancy() as acme_id \gset
select tests.isolate_receipt_pipeline();

select tests.rls_is(a, format('select public.%s', f.call), format('42501: permission denied for function %s', f.name), format('%s cannot execute %s', a, f.name))
from unnest(array['anon', 'stranger', 'member', 'admin', 'owner']) as a,
     (values ('replay_dead_letters()', 'replay_dead_letters', 1), ('rederive_receipts(''v2'')', 'rederive_receipts', 2),
             ('recover_stuck_receipts()', 'recover_stuck_receipts', 3)) as f(call, name, n)
order by f.n, a;
select tests.rls_is('service_role', 'select public.replay_dead_letters()', 'rows 1', 'service_role executes replay_dead_letters');
select tests.rls_is('service_role', 'select public.rederive_receipts(''v2'')', 'rows 1', 'service_role executes rederive_receipts');
select tests.rls_is('service_role', 'select public.recover_stuck_receipts()', 'rows 1', 'service_role executes recover_stuck_receipts');

select * from finish();
rollback;
