-- A new reading (re-derivation after a parser change) keeps what people corrected: the corrected
-- fields keep their latest corrected value with confidence 1; the others take the new reading.
begin;
\ir ../00_helpers/tests_schema.psql
\ir ../receipts/fixtures.psql
\ir fixtures.psql
select plan(4);
select tests.seed_tenancy() as acme_id \gset
select tests.isolate_receipt_pipeline();
select tests.read_receipt('member', 'r1') as r1 \gset
select is(tests.correct_as('member', :'r1', '{"total": "15.00", "vendor": "Corner Cafe"}'), 'ok ocr_done', 'setup: total and vendor corrected');
select is(tests.correct_as('admin', :'r1', '{"total": "16.00"}'), 'ok ocr_done', 'setup: the total corrected again');

select is(public.rederive_receipts('v2'), 1, 'the receipt is re-derived with a new parser version');
select private.settle_receipt_batch(jsonb_agg(
  tests.done_outcome(c.msg_id, c.receipt_id, 'v2') || jsonb_build_object('mode', 'rederive',
    'fields', (tests.done_outcome(c.msg_id, c.receipt_id) -> 'fields') || jsonb_build_object(
      'date', '2026-04-01', 'total', '99.0000', 'vendor', 'C0RNER CAFF',
      'confidence', jsonb_build_object('total', 0.5, 'vendor', 0.5, 'date', 0.9)))))
from private.claim_receipt_batch(10, 30) as c;

select results_eq(
  format($$select processor_version, total::text, vendor, receipt_date::text, field_confidence ->> 'total', field_confidence ->> 'vendor', field_confidence ->> 'date'
           from public.receipts where id = %L$$, :'r1'),
  $$values ('v2', '16.0000', 'Corner Cafe', '2026-04-01', '1', '1', '0.9')$$,
  'the new reading is stored, but total and vendor keep the latest corrections (confidence 1)');

select * from finish();
rollback;
