-- correct_receipt's confirm flag: false saves the corrections and leaves the status; confirming
-- with no fields moves a needs_review receipt to ocr_done and records who reviewed it; a value
-- sent as it was is no correction but is vouched for (confidence 1).
begin;
\ir ../00_helpers/tests_schema.psql
\ir ../receipts/fixtures.psql
\ir fixtures.psql
select plan(7);
select tests.seed_tenancy() as acme_id \gset
select tests.isolate_receipt_pipeline();
select tests.read_receipt('member', 'r1') as r1 \gset
select tests.read_receipt('member', 'r2', 'ocr_done', 'OTHER12345') as r2 \gset

select is(tests.correct_as('member', :'r1', '{"vendor": "Corner Cafe"}', false), 'ok needs_review', 'confirm false: corrected, still needs_review');
select is((select count(*) from public.receipt_corrections where receipt_id = :'r1'), 1::bigint, 'the correction is stored');
select results_eq(format($$select from_status::text, to_status::text, metadata ->> 'confirmed' from public.receipt_events where receipt_id = %L and event_type = 'corrected'$$, :'r1'),
  $$values ('needs_review', 'needs_review', 'false')$$, 'its event keeps the status and says it was not confirmed');

select is(tests.correct_as('owner', :'r1', '{}'), 'ok ocr_done', 'confirm with no fields: reviewed, done');
select results_eq(format($$select to_status::text, metadata from public.receipt_events where receipt_id = %L and event_type = 'corrected' order by id desc limit 1$$, :'r1'),
  format($$values ('ocr_done', jsonb_build_object('fields', '[]'::jsonb, 'confirmed', true, 'corrected_by', %L::text))$$, tests.user_id('owner')),
  'the event records who confirmed, with no fields changed');

select is(tests.correct_as('member', :'r2', '{"total": "12.2089", "vendor": "Corner Café"}', false), 'ok ocr_done', 'values sent as they were, on a done receipt');
select results_eq(format($$select (select count(*) from public.receipt_corrections where receipt_id = %L), field_confidence ->> 'total', field_confidence ->> 'vendor' from public.receipts where id = %L$$, :'r2', :'r2'),
  $$values (0::bigint, '1', '1')$$, 'no correction rows, but both are now vouched for (confidence 1)');

select * from finish();
rollback;
