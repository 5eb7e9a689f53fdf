-- receipt_corrections × insert: nobody writes corrections directly, not even the service role;
-- public.correct_receipt is the only way in.
begin;
\ir ../00_helpers/tests_schema.psql
\ir ../receipts/fixtures.psql
\ir fixtures.psql
select plan(6);
select tests.seed_tenancy() as acme_id \gset
select tests.isolate_receipt_pipeline();
select tests.read_receipt('member', 'r1') as r1 \gset

select format($$insert into public.receipt_corrections (receipt_id, organisation_id, field, old_value, new_value, corrected_by)
  values (%L, %L, 'total', '12.2089', '1.0000', %L)$$, :'r1', :'acme_id', tests.user_id('member')) as stmt \gset
select tests.rls_is(a, :'stmt', '42501: permission denied for table receipt_corrections', format('%s cannot insert a correction', a))
from unnest(array['anon', 'stranger', 'member', 'admin', 'owner', 'service_role']) as a;

select * from finish();
rollback;
