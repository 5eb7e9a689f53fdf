-- recover_stuck_receipts: a pending/processing receipt left alone too long WITHOUT a queue message
-- is re-enqueued; one that still has its message (in flight) or is recent is left alone.
begin;
\ir ../00_helpers/tests_schema.psql
\ir ../receipts/fixtures.psql
select plan(5);
select tests.seed_tenancy() as acme_id \gset
select tests.isolate_receipt_pipeline();
select tests.insert_receipt('member', 'lost') as lost_id \gset
select tests.insert_receipt('member', 'in-flight') as in_flight_id \gset
select tests.insert_receipt('member', 'recent') as recent_id \gset
select private.claim_receipt_batch(3, 30);
-- lose the messages of two receipts (e.g. a purged queue), and age two of them
delete from pgmq.q_receipt_ocr where (message ->> 'receipt_id')::uuid in (:'lost_id', :'recent_id');
set local session_replication_role = replica; -- skip tallyq_touch_updated_at for the backdating
update public.receipts set updated_at = now() - interval '1 hour' where id in (:'lost_id', :'in_flight_id');
set local session_replication_role = origin;

select is(public.recover_stuck_receipts('15 minutes'), 1, 'one receipt is recovered');
select results_eq(format('select status::text, updated_at > now() - interval ''1 minute'' from public.receipts where id = %L', :'lost_id'),
  $$values ('pending', true)$$, 'it is pending again (and no longer looks stuck)');
select is(tests.receipt_msg_count('q_receipt_ocr', :'lost_id'), 1::bigint, 'with a new message');
select is(tests.event_types(:'lost_id'), '{uploaded,processing,recovered}', 'and a recovered event');
select is(array[tests.receipt_msg_count('q_receipt_ocr', :'in_flight_id'), tests.receipt_msg_count('q_receipt_ocr', :'recent_id')], array[1, 0]::bigint[], 'the in-flight and the recent receipt are left alone');

select * from finish();
rollback;
