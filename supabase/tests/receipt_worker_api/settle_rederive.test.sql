-- settle_receipt_batch, rederive mode: a re-derived result replaces the fields under the new
-- processor_version with a `rederived` event; a failed re-derivation leaves the result alone.
begin;
\ir ../00_helpers/tests_schema.psql
\ir ../receipts/fixtures.psql
select plan(6);
select tests.seed_tenancy() as acme_id \gset
select tests.isolate_receipt_pipeline();
select tests.insert_receipt('member', 'r1') as r1 \gset
select tests.insert_receipt('member', 'r2') as r2 \gset
select private.settle_receipt_batch(jsonb_agg(tests.done_outcome(c.msg_id, c.receipt_id)))
from private.claim_receipt_batch(2, 30) as c;

-- re-derive both under v2: r1 succeeds with a new total, r2's re-derivation fails
select pgmq.send_batch('receipt_ocr', array[
  jsonb_build_object('receipt_id', :'r1', 'mode', 'rederive'),
  jsonb_build_object('receipt_id', :'r2', 'mode', 'rederive')]);
select is(private.settle_receipt_batch(jsonb_agg(case when c.receipt_id = :'r1'
    then tests.done_outcome(c.msg_id, c.receipt_id)
         || jsonb_build_object('mode', 'rederive', 'processor_version', 'v2', 'artifact', null,
                               'fields', tests.done_outcome(c.msg_id, c.receipt_id) -> 'fields'
                                         || '{"total": "99.10"}')
    else jsonb_build_object('msg_id', c.msg_id, 'receipt_id', c.receipt_id, 'outcome', 'fail',
                            'mode', 'rederive', 'error', 'artifact unreadable') end)),
  '{"done": 1, "stale": 1}'::jsonb, 'one re-derived, one stale')
from private.claim_receipt_batch(2, 30) as c;

select results_eq(format('select status::text, processor_version, total::text from public.receipts where id = %L', :'r1'),
  $$values ('ocr_done', 'v2', '99.1000')$$, 'the re-derived receipt carries the new version and fields');
select is(tests.event_types(:'r1'), '{uploaded,processing,ocr_done,rederived}', 'a rederived event is recorded');
select results_eq(format('select status::text, total::text, last_error from public.receipts where id = %L', :'r2'),
  $$values ('ocr_done', '12.2089', null::text)$$, 'a failed re-derivation keeps the previous result');
select is(tests.event_types(:'r2'), '{uploaded,processing,ocr_done}', 'and records nothing');
select is((select count(*) from pgmq.q_receipt_ocr), 0::bigint, 'both messages are archived');

select * from finish();
rollback;
