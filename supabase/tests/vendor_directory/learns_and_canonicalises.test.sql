-- vendor_directory × settle: the most confident reading of a shop's name (keyed by its tax id)
-- is learnt, given to less confident readings of the same shop, and corrects earlier receipts;
-- other organisations and receipts without a tax id are untouched.
begin;
\ir ../00_helpers/tests_schema.psql
\ir ../receipts/fixtures.psql
\ir fixtures.psql
select plan(16);
select tests.seed_tenancy() as acme_id \gset
select tests.isolate_receipt_pipeline();

-- a first, garbled reading is all the directory knows
select tests.insert_receipt('member', 'r1') as r1 \gset
select tests.settle_readings(jsonb_build_object(:'r1', '{"vendor": "GARDEI KERIES", "tax_id": "000381399040", "confidence": 0.5}'::jsonb));
select results_eq(format('select * from tests.directory(%L)', :'acme_id'),
  format($$values ('000381399040', 'GARDEI KERIES', '0.500', %L::uuid)$$, :'r1'),
  'the first reading is learnt with its receipt');
select is((select vendor_tax_id from public.receipts where id = :'r1'), '000381399040', 'the receipt keeps its tax id');

-- a more confident reading replaces it and corrects the earlier receipt
select tests.insert_receipt('member', 'r2') as r2 \gset
select tests.settle_readings(jsonb_build_object(:'r2', '{"vendor": "GARDENIA BAKERIES", "tax_id": "000381399040", "confidence": 0.9}'::jsonb));
select results_eq(format('select * from tests.directory(%L)', :'acme_id'),
  format($$values ('000381399040', 'GARDENIA BAKERIES', '0.900', %L::uuid)$$, :'r2'),
  'a more confident reading becomes the name');
select results_eq(format('select vendor, field_confidence ->> ''vendor'' from public.receipts where id = %L', :'r1'),
  $$values ('GARDENIA BAKERIES', '0.900')$$, 'the earlier receipt takes the better name and its confidence');
select is(tests.event_types(:'r1'), '{uploaded,processing,ocr_done,vendor_canonicalised}', 'with a vendor_canonicalised event');
select is(tests.event_types(:'r2'), '{uploaded,processing,ocr_done}', 'the better reading itself records nothing more');

-- a less confident reading of the same shop gets the known name
select tests.insert_receipt('member', 'r3') as r3 \gset
select tests.settle_readings(jsonb_build_object(:'r3', '{"vendor": "GARDENI BAKERIES", "tax_id": "000381399040", "confidence": 0.6}'::jsonb));
select is((select vendor from public.receipts where id = :'r3'), 'GARDENIA BAKERIES', 'a weaker reading is replaced by the known name');
select is((select metadata from public.receipt_events where receipt_id = :'r3' and event_type = 'vendor_canonicalised'),
  jsonb_build_object('tax_id', '000381399040', 'vendor', 'GARDENIA BAKERIES', 'read', 'GARDENI BAKERIES', 'from_receipt_id', :'r2'),
  'the event says what was read and where the name comes from');

-- another organisation and a receipt without a tax id are untouched
insert into public.organisations (name, slug, created_by) values ('Beta', 'beta', tests.user_id('stranger'));
select tests.org_id('beta') as beta_id \gset
select tests.insert_receipt('stranger', 'r4', :'beta_id') as r4 \gset
select tests.insert_receipt('member', 'r5') as r5 \gset
select tests.settle_readings(jsonb_build_object(
  :'r4', '{"vendor": "SOMEONE ELSE", "tax_id": "000381399040", "confidence": 0.3}'::jsonb,
  :'r5', '{"vendor": "NO NUMBER SHOP", "tax_id": null, "confidence": 0.2}'::jsonb));
select is((select vendor from public.receipts where id = :'r4'), 'SOMEONE ELSE', 'another organisation''s directory is its own');
select results_eq(format('select tax_id, vendor from tests.directory(%L)', :'beta_id'), $$values ('000381399040', 'SOMEONE ELSE')$$, 'and is learnt separately');
select results_eq(format('select vendor, vendor_tax_id from public.receipts where id = %L', :'r5'), $$values ('NO NUMBER SHOP', null::text)$$, 'a receipt without a tax id keeps its reading');
select is((select count(*) from public.vendor_directory where organisation_id = :'acme_id'), 1::bigint, 'and adds nothing to the directory');

-- a weak and a strong reading in one batch: both end with the strong one
select tests.insert_receipt('member', 'r6') as r6 \gset
select tests.insert_receipt('member', 'r7') as r7 \gset
select tests.settle_readings(jsonb_build_object(
  :'r6', '{"vendor": "CHEF LEF SDN BHD", "tax_id": "001406865408", "confidence": 0.4}'::jsonb,
  :'r7', '{"vendor": "CHEF LEE SDN BHD", "tax_id": "001406865408", "confidence": 0.9}'::jsonb));
select results_eq(format('select vendor from public.receipts where id in (%L, %L)', :'r6', :'r7'),
  $$values ('CHEF LEE SDN BHD'), ('CHEF LEE SDN BHD')$$, 'readings settled together agree on the strong one');

-- re-deriving the shop's receipts together (each with an old tax id) corrects them all
select pgmq.send_batch('receipt_ocr', array[
  jsonb_build_object('receipt_id', :'r1', 'mode', 'rederive'),
  jsonb_build_object('receipt_id', :'r2', 'mode', 'rederive')]);
select lives_ok(format($$select tests.settle_readings(jsonb_build_object(
  %L, '{"vendor": "GARDENIA BAKERIES (KL) SDN BHD", "tax_id": "000381399040", "confidence": 0.95}'::jsonb,
  %L, '{"vendor": "GARDENLA BAKERIES", "tax_id": "000381399040", "confidence": 0.5}'::jsonb), 'rederive', 'v2')$$, :'r1', :'r2'),
  'a re-derived batch of one shop settles');
select results_eq(format('select vendor from public.receipts where id in (%L, %L, %L) order by vendor', :'r1', :'r2', :'r3'),
  $$values ('GARDENIA BAKERIES (KL) SDN BHD'), ('GARDENIA BAKERIES (KL) SDN BHD'), ('GARDENIA BAKERIES (KL) SDN BHD')$$,
  'every receipt of the shop carries the best reading');
select results_eq(format('select vendor, confidence, source_receipt_id from tests.directory(%L)', :'acme_id'),
  format($$values ('GARDENIA BAKERIES (KL) SDN BHD', '0.950', %L::uuid), ('CHEF LEE SDN BHD', '0.900', %L::uuid)$$, :'r1', :'r7'),
  'the directory holds the best reading per shop');

select * from finish();
rollback;
