-- settle_receipt_batch, done: exact fields, one artifact, one ocr_done event, message archived;
-- settling the same result again (a redelivery) changes nothing.
begin;
\ir ../00_helpers/tests_schema.psql
\ir ../receipts/fixtures.psql
select plan(12);
select tests.seed_tenancy() as acme_id \gset
select tests.isolate_receipt_pipeline();
select tests.insert_receipt('member', 'r1') as r1 \gset
select msg_id from private.claim_receipt_batch(1, 30) \gset

select is(private.settle_receipt_batch(jsonb_build_array(tests.done_outcome(:msg_id, :'r1'))), '{"done": 1}'::jsonb, 'settle reports one done');
select results_eq(
  format('select status::text, vendor, vendor_address, receipt_date, receipt_time, currency, subtotal::text, tax::text, total::text, payment_method, processor_version, last_error from public.receipts where id = %L', :'r1'),
  $$values ('ocr_done', 'Corner Café', '1 Main St', date '2026-03-14', time '09:26:53', 'EUR', '10.0900', '2.1189', '12.2089', 'card', 'v1', null::text)$$,
  'fields are written exactly: money as exact decimals, ISO date and currency');
select is((select line_items from public.receipts where id = :'r1'), '[{"amount": "3.40", "description": "Flat white"}]'::jsonb, 'line items are kept');
select is((select array[field_confidence ->> 'total', ocr_confidence::text] from public.receipts where id = :'r1'), array['0.98', '0.9512'], 'confidences are kept');
select is((select count(*) from public.receipt_artifacts where receipt_id = :'r1'), 1::bigint, 'one artifact row');
select is((select artifact_path from public.receipts where id = :'r1'), (select storage_path from public.receipt_artifacts where receipt_id = :'r1'), 'the receipt points at its artifact');
select is(tests.event_types(:'r1'), '{uploaded,processing,ocr_done}', 'one ocr_done event');
select is(array[tests.receipt_msg_count('q_receipt_ocr', :'r1'), tests.receipt_msg_count('a_receipt_ocr', :'r1')], array[0, 1]::bigint[], 'the message is archived');

-- the same message delivered again (another worker OCRed it too) with a different reading
select private.settle_receipt_batch(jsonb_build_array(
  tests.done_outcome(:msg_id, :'r1')
  || '{"fields": {"vendor": "Other", "total": "99.00", "currency": "USD"}}'
  || '{"artifact": {"kind": "analyze_expense", "storage_path": "artifacts/second.json", "sha256": "0000000000000000000000000000000000000000000000000000000000000000", "size_bytes": 1}}'));
select results_eq(format('select vendor, total::text, currency from public.receipts where id = %L', :'r1'), $$values ('Corner Café', '12.2089', 'EUR')$$, 'a redelivered result does not overwrite the fields');
select is((select storage_path from public.receipt_artifacts where receipt_id = :'r1'), 'artifacts/' || encode(sha256(convert_to(:'r1', 'UTF8')), 'hex') || '.json', 'the first artifact wins');
select is(tests.event_types(:'r1'), '{uploaded,processing,ocr_done}', 'still one ocr_done event');
select is((select count(*) from public.receipt_artifacts where receipt_id = :'r1'), 1::bigint, 'still one artifact');

select * from finish();
rollback;
