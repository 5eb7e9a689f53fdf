-- settle_receipt_batch: a late retry or failure for a receipt another delivery already settled
-- (done) is stale - the result, status and attempts stay, the message is archived.
begin;
\ir ../00_helpers/tests_schema.psql
\ir ../receipts/fixtures.psql
select plan(4);
select tests.seed_tenancy() as acme_id \gset
select tests.isolate_receipt_pipeline();
select tests.insert_receipt('member', 'r1') as r1 \gset
select msg_id from private.claim_receipt_batch(1, 30) \gset
select private.settle_receipt_batch(jsonb_build_array(tests.done_outcome(:msg_id, :'r1')));

select is(private.settle_receipt_batch(jsonb_build_array(
  jsonb_build_object('msg_id', :msg_id, 'receipt_id', :'r1', 'outcome', 'retry', 'mode', 'ocr', 'error', 'timeout', 'delay_seconds', 30),
  jsonb_build_object('msg_id', :msg_id, 'receipt_id', :'r1', 'outcome', 'fail', 'mode', 'ocr', 'error', 'corrupt'))),
  '{"stale": 2}'::jsonb, 'both late outcomes are stale');
select results_eq(format('select status::text, attempts, last_error, total::text from public.receipts where id = %L', :'r1'),
  $$values ('ocr_done', 0, null::text, '12.2089')$$, 'the receipt keeps its result');
select is((select count(*) from pgmq.q_receipt_ocr_dlq), 0::bigint, 'nothing is dead-lettered');
select is(tests.event_types(:'r1'), '{uploaded,processing,ocr_done}', 'no retry or dead_lettered event');

select * from finish();
rollback;
