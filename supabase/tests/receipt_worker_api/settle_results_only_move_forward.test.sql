-- settle_receipt_batch, processor_version: a result only replaces one from an older version
-- (v2 < v10); an older worker's result (a draining deploy) or a duplicate is stale.
begin;
\ir ../00_helpers/tests_schema.psql
\ir ../receipts/fixtures.psql
select plan(6);
select tests.seed_tenancy() as acme_id \gset
select tests.isolate_receipt_pipeline();
select tests.insert_receipt('member', 'r1') as r1 \gset

create function tests.settle_version(p_receipt_id uuid, p_version text, p_total text)
returns jsonb language sql set search_path = '' as $$
  select private.settle_receipt_batch(jsonb_build_array(
    tests.done_outcome(m.msg_id, p_receipt_id, p_version)
    || jsonb_build_object('mode', 'rederive', 'artifact', null,
                          'fields', tests.done_outcome(m.msg_id, p_receipt_id) -> 'fields' || jsonb_build_object('total', p_total))))
  from pgmq.send('receipt_ocr', jsonb_build_object('receipt_id', p_receipt_id, 'mode', 'rederive')) as m(msg_id)
$$;

select private.settle_receipt_batch(jsonb_agg(tests.done_outcome(c.msg_id, c.receipt_id, 'v2')))
from private.claim_receipt_batch(1, 30) as c;

select is(tests.settle_version(:'r1', 'v1', '1.00'), '{"stale": 1}'::jsonb, 'an older version''s result is stale');
select results_eq(format('select processor_version, total::text from public.receipts where id = %L', :'r1'),
  $$values ('v2', '12.2089')$$, 'and does not overwrite the newer result');
select is(tests.settle_version(:'r1', 'v2', '2.00'), '{"stale": 1}'::jsonb, 'the same version again is stale');
select is(tests.settle_version(:'r1', 'v10', '10.00'), '{"done": 1}'::jsonb, 'a newer version (v10 > v2) applies');
select results_eq(format('select processor_version, total::text from public.receipts where id = %L', :'r1'),
  $$values ('v10', '10.0000')$$, 'the receipt carries the newest result');
select is((select count(*) from pgmq.q_receipt_ocr), 0::bigint, 'every message is archived');

select * from finish();
rollback;
