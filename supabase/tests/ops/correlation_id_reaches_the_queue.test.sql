-- The enqueue trigger copies the transaction's tallyq.correlation_id into the OCR message and the
-- uploaded event; without one, neither carries the key.
begin;
\ir ../00_helpers/tests_schema.psql
\ir ../receipts/fixtures.psql
select plan(4);
select tests.seed_tenancy() as acme_id \gset
select tests.isolate_receipt_pipeline();

select set_config('tallyq.correlation_id', 'req-0123456789', true);
select tests.insert_receipt('member', 'with-id') as with_id \gset
select set_config('tallyq.correlation_id', '', true);
select tests.insert_receipt('member', 'without-id') as without_id \gset

select is((select message ->> 'correlation_id' from pgmq.q_receipt_ocr where (message ->> 'receipt_id')::uuid = :'with_id'),
  'req-0123456789', 'the queue message carries the correlation id');
select is((select metadata ->> 'correlation_id' from public.receipt_events where receipt_id = :'with_id' and event_type = 'uploaded'),
  'req-0123456789', 'so does the uploaded event');
select is((select message ? 'correlation_id' from pgmq.q_receipt_ocr where (message ->> 'receipt_id')::uuid = :'without_id'),
  false, 'no correlation id: no key in the message');
select is((select metadata ? 'correlation_id' from public.receipt_events where receipt_id = :'without_id' and event_type = 'uploaded'),
  false, 'nor in the event');

select * from finish();
rollback;
