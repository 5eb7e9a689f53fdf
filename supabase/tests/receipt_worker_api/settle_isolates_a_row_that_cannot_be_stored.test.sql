-- settle_receipt_batch, poison: a result the database cannot hold (a total beyond numeric(19,4),
-- an impossible date, a non-array of line items) fails that receipt alone, with the reason, and
-- is dead-lettered once; its batch-mates settle normally in the same call.
begin;
\ir ../00_helpers/tests_schema.psql
\ir ../receipts/fixtures.psql
select plan(9);
select tests.seed_tenancy() as acme_id \gset
select tests.isolate_receipt_pipeline();
select tests.insert_receipt('member', 'good1') as good1 \gset
select tests.insert_receipt('member', 'huge') as huge \gset
select tests.insert_receipt('member', 'good2') as good2 \gset
select tests.insert_receipt('member', 'baddate') as baddate \gset

select is(private.settle_receipt_batch(jsonb_agg(case c.receipt_id
    when :'huge'::uuid then jsonb_set(tests.done_outcome(c.msg_id, c.receipt_id), '{fields,total}', '"100000000000000000000.00"')
    when :'baddate'::uuid then jsonb_set(tests.done_outcome(c.msg_id, c.receipt_id), '{fields,date}', '"2026-02-30"')
    else tests.done_outcome(c.msg_id, c.receipt_id) end)),
  '{"done": 2, "fail": 2}'::jsonb, 'two done, two failed, in one call')
from private.claim_receipt_batch(10, 30) as c;

select results_eq(format('select id, status::text, total::text from public.receipts where id in (%L, %L) order by id', :'good1', :'good2'),
  format('values (%L::uuid, ''ocr_done'', ''12.2089''), (%L::uuid, ''ocr_done'', ''12.2089'')', least(:'good1'::uuid, :'good2'::uuid), greatest(:'good1'::uuid, :'good2'::uuid)),
  'the batch-mates are settled with their fields');
select results_eq(format('select status::text, attempts, total from public.receipts where id = %L', :'huge'),
  $$values ('failed', 1, null::numeric)$$, 'the receipt with an unstorable total is failed, nothing half-written');
select matches((select last_error from public.receipts where id = :'huge'), '^Result could not be stored \(22003: numeric field overflow\)', 'the reason is recorded on the receipt');
select matches((select last_error from public.receipts where id = :'baddate'), '^Result could not be stored \(22008: ', 'an impossible date fails its receipt with the reason');
select is(tests.event_types(:'huge'), '{uploaded,processing,dead_lettered}', 'one dead_lettered event');
select is((select count(*) from pgmq.q_receipt_ocr_dlq where message ->> 'receipt_id' in (:'huge', :'baddate')), 2::bigint, 'both are in the dead-letter queue, once');
select is((select count(*) from pgmq.q_receipt_ocr), 0::bigint, 'every message of the batch is archived: nothing comes back');
select is((select count(*) from pgmq.a_receipt_ocr), 4::bigint, 'four archived messages');

select * from finish();
rollback;
