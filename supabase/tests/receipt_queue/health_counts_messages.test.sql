-- receipt_queue_health: visible, in-flight, archived and dead-lettered messages, as counted.
begin;
\ir ../00_helpers/tests_schema.psql
\ir ../receipts/fixtures.psql
select plan(2);
select tests.seed_tenancy() as acme_id \gset
select tests.isolate_receipt_pipeline();
select tests.insert_receipt('member', 'r' || n) from generate_series(1, 4) as n;
-- claim two; settle one done and one failed
select array_agg(c.msg_id order by c.msg_id) as msg_ids, array_agg(c.receipt_id order by c.msg_id) as ids
from private.claim_receipt_batch(2, 60) as c \gset
select private.settle_receipt_batch(jsonb_build_array(
  tests.done_outcome((:'msg_ids'::bigint[])[1], (:'ids'::uuid[])[1]),
  jsonb_build_object('msg_id', (:'msg_ids'::bigint[])[2], 'receipt_id', (:'ids'::uuid[])[2], 'outcome', 'fail', 'mode', 'ocr', 'error', 'corrupt')));
select private.claim_receipt_batch(1, 60);

select results_eq(
  $$select pending_count, in_flight_count, processed_count, dead_lettered_count, processing_count from public.receipt_queue_health$$,
  $$values (1::bigint, 1::bigint, 2::bigint, 1::bigint, 1::bigint)$$,
  'one visible, one in flight, two archived, one dead-lettered, one receipt processing');
select ok((select oldest_message_age_seconds >= 0 from public.receipt_queue_health), 'the oldest message has an age');

select * from finish();
rollback;
