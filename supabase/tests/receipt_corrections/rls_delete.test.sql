-- receipt_corrections × delete: nobody deletes a correction directly (not the service role, not
-- the owner); deleting the receipt (erasure) takes its corrections with it.
begin;
\ir ../00_helpers/tests_schema.psql
\ir ../receipts/fixtures.psql
\ir fixtures.psql
select plan(10);
select tests.seed_tenancy() as acme_id \gset
select tests.isolate_receipt_pipeline();
select tests.read_receipt('member', 'r1') as r1 \gset
select is(tests.correct_as('member', :'r1', '{"vendor": "Corner Cafe"}'), 'ok ocr_done', 'setup: the member corrects the vendor');

select $$delete from public.receipt_corrections$$ as stmt \gset
select tests.rls_is(a, :'stmt', '42501: permission denied for table receipt_corrections', format('%s cannot delete a correction', a))
from unnest(array['anon', 'stranger', 'member', 'admin', 'owner', 'service_role']) as a;
select tests.rls_is('postgres', :'stmt', '42501: public.receipt_corrections is append-only: DELETE is not allowed', 'the table owner cannot either');
select tests.rls_is('postgres', 'truncate public.receipt_corrections', '42501: public.receipt_corrections is append-only: TRUNCATE is not allowed', 'nor truncate it');

delete from public.receipts where id = :'r1';
select is((select count(*) from public.receipt_corrections), 0::bigint, 'the receipt''s deletion cascades to its corrections');

select * from finish();
rollback;
