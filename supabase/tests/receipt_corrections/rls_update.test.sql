-- receipt_corrections × update: corrections are history; nobody rewrites one, not even the
-- service role or the table owner (append-only trigger).
begin;
\ir ../00_helpers/tests_schema.psql
\ir ../receipts/fixtures.psql
\ir fixtures.psql
select plan(8);
select tests.seed_tenancy() as acme_id \gset
select tests.isolate_receipt_pipeline();
select tests.read_receipt('member', 'r1') as r1 \gset
select is(tests.correct_as('member', :'r1', '{"vendor": "Corner Cafe"}'), 'ok ocr_done', 'setup: the member corrects the vendor');

select $$update public.receipt_corrections set new_value = 'Forged'$$ as stmt \gset
select tests.rls_is(a, :'stmt', '42501: permission denied for table receipt_corrections', format('%s cannot rewrite a correction', a))
from unnest(array['anon', 'stranger', 'member', 'admin', 'owner', 'service_role']) as a;
select tests.rls_is('postgres', :'stmt', '42501: public.receipt_corrections is append-only: UPDATE is not allowed', 'the table owner cannot either');

select * from finish();
rollback;
