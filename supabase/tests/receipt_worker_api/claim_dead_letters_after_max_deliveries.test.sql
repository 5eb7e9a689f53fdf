-- claim_receipt_batch(qty, vt, max_deliveries): a message read more than max_deliveries times
-- without a settle (a worker that crashes on it) is dead-lettered at claim, with the reason, and
-- never handed out again; a message that is settled between deliveries (retry, wait) keeps going.
begin;
\ir ../00_helpers/tests_schema.psql
\ir ../receipts/fixtures.psql
select plan(9);
select tests.seed_tenancy() as acme_id \gset
select tests.isolate_receipt_pipeline();
select tests.insert_receipt('member', 'crash') as crash \gset
select tests.insert_receipt('member', 'waits') as waits \gset

-- three deliveries: 'crash' is never settled, 'waits' is settled with a wait each time
create function tests.deliver_and_settle_waits()
returns void language sql set search_path = '' as $$
  select private.settle_receipt_batch(coalesce(jsonb_agg(jsonb_build_object(
    'msg_id', c.msg_id, 'receipt_id', c.receipt_id, 'outcome', 'wait', 'mode', 'ocr', 'delay_seconds', 0)), '[]'))
  from private.claim_receipt_batch(10, 0, 3) as c
  where c.receipt_id = (select r.id from public.receipts as r where r.original_filename = 'waits.jpg')
$$;
select tests.deliver_and_settle_waits();
select tests.deliver_and_settle_waits();
select tests.deliver_and_settle_waits();

select is((select read_ct from pgmq.q_receipt_ocr where message ->> 'receipt_id' = :'crash'), 3, 'the crashing message was delivered three times');
select results_eq('select receipt_id from private.claim_receipt_batch(10, 0, 3)', format('values (%L::uuid)', :'waits'),
  'the fourth claim hands out only the message that was settled between deliveries');
select is((select status::text from public.receipts where id = :'crash'), 'failed', 'the crash-looping receipt is failed');
select is((select last_error from public.receipts where id = :'crash'), 'Delivered 4 times without a settle (limit 3)', 'with the reason');
select is((select message ->> 'reason' from pgmq.q_receipt_ocr_dlq where message ->> 'receipt_id' = :'crash'), 'Delivered 4 times without a settle (limit 3)', 'the dead letter carries the reason');
select is(tests.event_types(:'crash'), '{uploaded,processing,dead_lettered}', 'one dead_lettered event');
select is(array[tests.receipt_msg_count('q_receipt_ocr', :'crash'), tests.receipt_msg_count('a_receipt_ocr', :'crash')], array[0, 1]::bigint[], 'its message is archived');
select is((select status::text from public.receipts where id = :'waits'), 'processing', 'the settled one is still being worked on');
select is((select count(*) from private.claim_receipt_batch(10, 0, 3) as c where c.receipt_id = :'crash'), 0::bigint, 'the dead-lettered receipt is never handed out again');

select * from finish();
rollback;
