-- correct_receipt and the vendor directory: a person's vendor reading enters it with confidence 1,
-- replacing any reading (an earlier person's too), and reaches the shop's receipts that hold a
-- directory name; a name a person typed on a receipt stays; without a tax id there is no key.
begin;
\ir ../00_helpers/tests_schema.psql
\ir ../receipts/fixtures.psql
\ir fixtures.psql
\ir ../vendor_directory/fixtures.psql
select plan(10);
select tests.seed_tenancy() as acme_id \gset
select tests.isolate_receipt_pipeline();
select tests.read_receipt('member', 'a', 'needs_review', 'TAX123456', 0.6) as a \gset
select tests.read_receipt('member', 'b', 'ocr_done', 'TAX123456', 0.5) as b \gset
select tests.read_receipt('member', 'c', 'ocr_done', 'TAX999999', 0.9) as c \gset
select tests.read_receipt('member', 'notax', 'needs_review', null, 0.3) as notax \gset
select results_eq($$select tax_id, vendor, confidence from tests.directory(tests.org_id())$$,
  $$values ('TAX123456', 'Corner Café', '0.600'), ('TAX999999', 'Corner Café', '0.900')$$, 'setup: the directory learnt the OCR readings');

select is(tests.correct_as('member', :'a', '{"vendor": "Corner Cafe Ltd"}'), 'ok ocr_done', 'the member corrects the vendor of receipt a');
select results_eq($$select tax_id, vendor, confidence, source_receipt_id::text from tests.directory(tests.org_id()) where tax_id = 'TAX123456'$$,
  format($$values ('TAX123456', 'Corner Cafe Ltd', '1.000', %L)$$, :'a'), 'the corrected name enters the directory with full confidence, from receipt a');
select results_eq(format($$select vendor, field_confidence ->> 'vendor' from public.receipts where id = %L$$, :'b'),
  $$values ('Corner Cafe Ltd', '1.000')$$, 'the shop''s other receipt takes it (the directory trigger)');
select ok(exists(select 1 from public.receipt_events where receipt_id = :'b' and event_type = 'vendor_canonicalised' and metadata ->> 'vendor' = 'Corner Cafe Ltd'), 'with a vendor_canonicalised event');
select is((select vendor from public.receipts where id = :'c'), 'Corner Café', 'another shop is untouched');

select is(tests.correct_as('admin', :'b', '{"vendor": "Corner Café Ltd."}'), 'ok ocr_done', 'a second person corrects receipt b');
select results_eq($$select vendor, confidence from tests.directory(tests.org_id()) where tax_id = 'TAX123456'$$,
  $$values ('Corner Café Ltd.', '1.000')$$, 'the latest person''s reading wins in the directory');
select is((select vendor from public.receipts where id = :'a'), 'Corner Cafe Ltd', 'receipt a keeps the name a person typed on it');

select is(tests.correct_as('member', :'notax', '{"vendor": "Street Stall"}'), 'ok ocr_done', 'a receipt without a tax id is corrected');
select * from finish();
rollback;
