-- settle_receipt_batch, retry with the attempt budget spent (attempts = max - 1): dead-lettered
-- like a permanent failure.
begin;
\ir ../00_helpers/tests_schema.psql
\ir ../receipts/fixtures.psql
select plan(6);
select tests.seed_tenancy() as acme_id \gset
select tests.isolate_receipt_pipeline();
select tests.insert_receipt('member', 'r1') as r1 \gset
update public.receipts set attempts = 4 where id = :'r1';
select msg_id from private.claim_receipt_batch(1, 30) \gset

select is(private.settle_receipt_batch(jsonb_build_array(jsonb_build_object(
  'msg_id', :msg_id, 'receipt_id', :'r1', 'outcome', 'retry', 'mode', 'ocr', 'error', 'InternalServerError: boom', 'delay_seconds', 60)), 5),
  '{"fail": 1}'::jsonb, 'the fifth failed attempt is reported as a failure');
select results_eq(format('select status::text, attempts, last_error from public.receipts where id = %L', :'r1'),
  $$values ('failed', 5, 'InternalServerError: boom (attempts exhausted)')$$, 'failed, five attempts, reason kept');
select results_eq(format($$select message ->> 'reason', (message ->> 'source_msg_id')::bigint from pgmq.q_receipt_ocr_dlq where (message ->> 'receipt_id')::uuid = %L$$, :'r1'),
  format($$values ('InternalServerError: boom (attempts exhausted)', %s::bigint)$$, :msg_id), 'one dead-letter message with the reason');
select is(tests.event_types(:'r1'), '{uploaded,processing,dead_lettered}', 'one dead_lettered event, no retry_scheduled');
select is(array[tests.receipt_msg_count('q_receipt_ocr', :'r1'), tests.receipt_msg_count('a_receipt_ocr', :'r1')], array[0, 1]::bigint[], 'the work message is archived');
select is((select count(*) from public.receipt_failures where id = :'r1' and dead_letter_msg_id is not null), 1::bigint, 'receipt_failures shows it with its dead letter');

select * from finish();
rollback;
