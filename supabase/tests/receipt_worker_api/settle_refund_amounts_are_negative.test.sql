-- settle_receipt_batch, refunds: a refund slip or credit note is stored with negative amounts;
-- amounts that disagree in sign within one receipt are refused (that receipt alone fails).
begin;
\ir ../00_helpers/tests_schema.psql
\ir ../receipts/fixtures.psql
select plan(4);
select tests.seed_tenancy() as acme_id \gset
select tests.isolate_receipt_pipeline();
select tests.insert_receipt('member', 'refund') as refund \gset
select tests.insert_receipt('member', 'mixed') as mixed \gset

select is(private.settle_receipt_batch(jsonb_agg(case c.receipt_id
    when :'refund'::uuid then tests.done_outcome(c.msg_id, c.receipt_id)
      || jsonb_build_object('fields', tests.done_outcome(c.msg_id, c.receipt_id) -> 'fields'
                                      || '{"subtotal": "-4.70", "tax": "-0.30", "total": "-5.00"}')
    else tests.done_outcome(c.msg_id, c.receipt_id)
      || jsonb_build_object('fields', tests.done_outcome(c.msg_id, c.receipt_id) -> 'fields'
                                      || '{"subtotal": "4.70", "tax": "0.30", "total": "-5.00"}') end)),
  '{"done": 1, "fail": 1}'::jsonb, 'the refund is done, the self-contradicting receipt fails')
from private.claim_receipt_batch(10, 30) as c;

select results_eq(format('select status::text, subtotal::text, tax::text, total::text from public.receipts where id = %L', :'refund'),
  $$values ('ocr_done', '-4.7000', '-0.3000', '-5.0000')$$, 'a refund keeps its negative amounts');
select matches((select last_error from public.receipts where id = :'mixed'), 'money_signs_agree', 'mixed signs are refused by money_signs_agree');
select is((select status::text from public.receipts where id = :'mixed'), 'failed', 'and fail only that receipt');

select * from finish();
rollback;
