-- settle_receipt_batch, retry: attempts + 1, last_error, back to pending with a retry_scheduled
-- event; the message stays on the queue, invisible for the backoff delay.
begin;
\ir ../00_helpers/tests_schema.psql
\ir ../receipts/fixtures.psql
select plan(6);
select tests.seed_tenancy() as acme_id \gset
select tests.isolate_receipt_pipeline();
select tests.insert_receipt('member', 'r1') as r1 \gset
select msg_id from private.claim_receipt_batch(1, 30) \gset

select is(private.settle_receipt_batch(jsonb_build_array(jsonb_build_object(
  'msg_id', :msg_id, 'receipt_id', :'r1', 'outcome', 'retry', 'mode', 'ocr', 'error', 'ThrottlingException: slow down', 'delay_seconds', 120))),
  '{"retry": 1}'::jsonb, 'settle reports one retry');
select results_eq(format('select status::text, attempts, last_error from public.receipts where id = %L', :'r1'),
  $$values ('pending', 1, 'ThrottlingException: slow down')$$, 'pending again, one attempt spent, error kept');
select results_eq(format('select event_type, attempt, metadata from public.receipt_events where receipt_id = %L and event_type = ''retry_scheduled''', :'r1'),
  $$values ('retry_scheduled', 1, '{"error": "ThrottlingException: slow down", "delay_seconds": 120}'::jsonb)$$, 'one retry_scheduled event with the error and delay');
select is(tests.receipt_msg_count('q_receipt_ocr', :'r1'), 1::bigint, 'the message stays on the queue');
select ok((select q.vt between clock_timestamp() + interval '110 seconds' and clock_timestamp() + interval '121 seconds' from pgmq.q_receipt_ocr as q where q.msg_id = :msg_id), 'invisible for the backoff delay');
select is((select count(*) from private.claim_receipt_batch(10, 30)), 0::bigint, 'so it is not claimed again before then');

select * from finish();
rollback;
