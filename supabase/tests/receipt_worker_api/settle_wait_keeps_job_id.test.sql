-- settle_receipt_batch, wait (async Textract job): the job id is kept, async_job_started is
-- recorded once, no attempt is spent, and the message comes back after the delay.
begin;
\ir ../00_helpers/tests_schema.psql
\ir ../receipts/fixtures.psql
select plan(7);
select tests.seed_tenancy() as acme_id \gset
select tests.isolate_receipt_pipeline();
select tests.insert_receipt('member', 'r1') as r1 \gset
select msg_id from private.claim_receipt_batch(1, 30) \gset

select is(private.settle_receipt_batch(jsonb_build_array(jsonb_build_object(
  'msg_id', :msg_id, 'receipt_id', :'r1', 'outcome', 'wait', 'mode', 'ocr', 'delay_seconds', 5, 'textract_job_id', 'job-1'))),
  '{"wait": 1}'::jsonb, 'settle reports one wait');
select results_eq(format('select status::text, attempts, textract_job_id from public.receipts where id = %L', :'r1'),
  $$values ('processing', 0, 'job-1')$$, 'the job id is stored; still processing; no attempt spent');
select ok((select q.vt between clock_timestamp() + interval '3 seconds' and clock_timestamp() + interval '6 seconds' from pgmq.q_receipt_ocr as q where q.msg_id = :msg_id), 'the message comes back after the poll delay');

-- later runs poll the job: still in progress (no job id in the outcome), then the same id again
select private.settle_receipt_batch(jsonb_build_array(jsonb_build_object(
  'msg_id', :msg_id, 'receipt_id', :'r1', 'outcome', 'wait', 'mode', 'ocr', 'delay_seconds', 5)));
select is((select textract_job_id from public.receipts where id = :'r1'), 'job-1', 'a wait without a job id keeps the running job');
select private.settle_receipt_batch(jsonb_build_array(jsonb_build_object(
  'msg_id', :msg_id, 'receipt_id', :'r1', 'outcome', 'wait', 'mode', 'ocr', 'delay_seconds', 5, 'textract_job_id', 'job-1')));
select is(tests.event_types(:'r1'), '{uploaded,processing,async_job_started}', 'async_job_started is recorded once');
select is((select metadata ->> 'textract_job_id' from public.receipt_events where receipt_id = :'r1' and event_type = 'async_job_started'), 'job-1', 'with the job id');
select is((select attempts from public.receipts where id = :'r1'), 0, 'waiting never spends attempts');

select * from finish();
rollback;
