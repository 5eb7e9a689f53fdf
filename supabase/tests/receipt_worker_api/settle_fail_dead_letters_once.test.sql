-- settle_receipt_batch, fail (permanent): dead-lettered exactly once, even when a second delivery
-- of the same message fails again.
begin;
\ir ../00_helpers/tests_schema.psql
\ir ../receipts/fixtures.psql
select plan(8);
select tests.seed_tenancy() as acme_id \gset
select tests.isolate_receipt_pipeline();
select tests.insert_receipt('member', 'r1') as r1 \gset
select msg_id from private.claim_receipt_batch(1, 30) \gset
select jsonb_build_array(jsonb_build_object('msg_id', :msg_id, 'receipt_id', :'r1', 'outcome', 'fail', 'mode', 'ocr', 'error', 'UnsupportedDocumentException: corrupt image')) as fail_outcome \gset

select is(private.settle_receipt_batch(:'fail_outcome'), '{"fail": 1}'::jsonb, 'settle reports one failure');
select results_eq(format('select status::text, attempts, last_error from public.receipts where id = %L', :'r1'),
  $$values ('failed', 1, 'UnsupportedDocumentException: corrupt image')$$, 'failed with the reason');
select is((select array_agg(message ->> 'reason') from pgmq.q_receipt_ocr_dlq), array['UnsupportedDocumentException: corrupt image'], 'one dead-letter message with the reason');
select is(tests.event_types(:'r1'), '{uploaded,processing,dead_lettered}', 'one dead_lettered event');
select is(array[tests.receipt_msg_count('q_receipt_ocr', :'r1'), tests.receipt_msg_count('a_receipt_ocr', :'r1')], array[0, 1]::bigint[], 'the work message is archived');

-- a second worker that had the same message (its visibility timeout ran out) fails it too
select is(private.settle_receipt_batch(:'fail_outcome'), '{"stale": 1}'::jsonb, 'the second failure is reported stale');
select is((select count(*) from pgmq.q_receipt_ocr_dlq), 1::bigint, 'still one dead-letter message');
select results_eq(format('select attempts, (select count(*) from public.receipt_events as e where e.receipt_id = r.id and e.event_type = ''dead_lettered'') from public.receipts as r where id = %L', :'r1'),
  $$values (1, 1::bigint)$$, 'still one attempt spent and one dead_lettered event');

select * from finish();
rollback;
