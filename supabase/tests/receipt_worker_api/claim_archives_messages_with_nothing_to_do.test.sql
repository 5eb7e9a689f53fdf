-- claim_receipt_batch: an OCR message whose receipt is already settled, or deleted, is archived
-- and skipped; a rederive message for a done receipt is still handed out.
begin;
\ir ../00_helpers/tests_schema.psql
\ir ../receipts/fixtures.psql
select plan(6);
select tests.seed_tenancy() as acme_id \gset
select tests.isolate_receipt_pipeline();
select tests.insert_receipt('member', 'done') as done_id \gset
select tests.insert_receipt('member', 'failed') as failed_id \gset
select tests.insert_receipt('member', 'deleted') as deleted_id \gset
select tests.insert_receipt('member', 'pending') as pending_id \gset
update public.receipts set status = 'ocr_done', processor_version = 'v1' where id = :'done_id';
update public.receipts set status = 'failed' where id = :'failed_id';
delete from public.receipts where id = :'deleted_id';
select pgmq.send('receipt_ocr', jsonb_build_object('receipt_id', :'done_id', 'mode', 'rederive'));

create temp table claimed on commit drop as select * from private.claim_receipt_batch(10, 30);
select results_eq('select receipt_id, mode from claimed order by msg_id',
  format($$values (%L::uuid, 'ocr'::text), (%L::uuid, 'rederive'::text)$$, :'pending_id', :'done_id'),
  'only the pending receipt and the rederive message are handed out');
select is(tests.receipt_msg_count('a_receipt_ocr', :'done_id'), 1::bigint, 'the done receipt''s OCR message is archived');
select is(tests.receipt_msg_count('a_receipt_ocr', :'failed_id'), 1::bigint, 'the failed receipt''s message is archived');
select is(tests.receipt_msg_count('a_receipt_ocr', :'deleted_id'), 1::bigint, 'the deleted receipt''s message is archived');
select is((select count(*) from pgmq.q_receipt_ocr), 2::bigint, 'only the two live messages stay on the queue');
select is((select status::text from public.receipts where id = :'done_id'), 'ocr_done', 'a rederive claim leaves a done receipt done');

select * from finish();
rollback;
