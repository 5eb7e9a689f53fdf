-- rederive_receipts(version): enqueues {mode: rederive} for done receipts that have an artifact
-- and an older processor_version - nothing else.
begin;
\ir ../00_helpers/tests_schema.psql
\ir ../receipts/fixtures.psql
select plan(5);
select tests.seed_tenancy() as acme_id \gset
select tests.isolate_receipt_pipeline();
select tests.insert_receipt('member', 'old') as old_id \gset
select tests.insert_receipt('member', 'current') as current_id \gset
select tests.insert_receipt('member', 'no-artifact') as bare_id \gset
select tests.insert_receipt('member', 'pending') as pending_id \gset
select private.settle_receipt_batch(jsonb_agg(case c.receipt_id
    when :'old_id'::uuid then tests.done_outcome(c.msg_id, c.receipt_id, 'v1')
    when :'current_id'::uuid then tests.done_outcome(c.msg_id, c.receipt_id, 'v2')
    else tests.done_outcome(c.msg_id, c.receipt_id, 'v1') || '{"artifact": null}' end))
from private.claim_receipt_batch(3, 30) as c;

select results_eq(format('select id, artifact_path is not null from public.receipts where status = ''ocr_done'' order by id = %L, id = %L', :'old_id', :'current_id'),
  format('values (%L::uuid, false), (%L::uuid, true), (%L::uuid, true)', :'bare_id', :'current_id', :'old_id'), 'setup: three done receipts, one without an artifact');
select is(public.rederive_receipts('v2'), 1, 'one receipt is enqueued for re-derivation');
select is(array(select (message ->> 'receipt_id')::uuid from pgmq.q_receipt_ocr where message ->> 'mode' = 'rederive'), array[:'old_id']::uuid[], 'the v1 receipt with an artifact, as a rederive message');
select is(public.rederive_receipts('v3', array[:'current_id']::uuid[]), 1, 'by id: only the receipt named');
select is((select count(*) from pgmq.q_receipt_ocr where message ->> 'mode' = 'rederive'), 2::bigint, 'no other rederive messages');

select * from finish();
rollback;
