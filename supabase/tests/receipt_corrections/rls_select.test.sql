-- receipt_corrections × select: members of the receipt's organisation read its corrections (who,
-- when, old and new value); strangers and anon do not; the service role reads all.
begin;
\ir ../00_helpers/tests_schema.psql
\ir ../receipts/fixtures.psql
\ir fixtures.psql
select plan(7);
select tests.seed_tenancy() as acme_id \gset
select tests.isolate_receipt_pipeline();
select tests.read_receipt('member', 'r1') as r1 \gset
select is(tests.correct_as('member', :'r1', '{"vendor": "Corner Cafe"}'), 'ok ocr_done', 'setup: the member corrects the vendor');

select $$select 1 from public.receipt_corrections$$ as stmt \gset
select tests.rls_is('anon', :'stmt', '42501: permission denied for table receipt_corrections', 'anon cannot read corrections');
select tests.rls_is('stranger', :'stmt', 'rows 0', 'a stranger sees no corrections of the organisation');
select tests.rls_is('member', :'stmt', 'rows 1', 'a member sees the correction');
select tests.rls_is('admin', :'stmt', 'rows 1', 'an admin sees the correction');
select tests.rls_is('owner', :'stmt', 'rows 1', 'the owner sees the correction');
select tests.rls_is('service_role', :'stmt', 'rows 1', 'service_role sees the correction');

select * from finish();
rollback;
