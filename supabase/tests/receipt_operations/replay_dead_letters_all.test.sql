-- replay_dead_letters(): every dead-lettered receipt goes back to pending with a fresh attempt
-- budget and a new receipt_ocr message; the dead letters are archived, a replayed event recorded.
begin;
\ir ../00_helpers/tests_schema.psql
\ir ../receipts/fixtures.psql
\ir fixtures.psql
select plan(6);
select tests.seed_tenancy() as acme_id \gset
select tests.isolate_receipt_pipeline();
select tests.insert_receipt('member', 'r1') as r1 \gset
select tests.insert_receipt('owner', 'r2') as r2 \gset
select tests.dead_letter(array[:'r1', :'r2']::uuid[]);

select is(public.replay_dead_letters(), 2, 'two receipts are replayed');
select results_eq(format('select status::text, attempts, last_error from public.receipts where id in (%L, %L)', :'r1', :'r2'),
  $$values ('pending', 0, null::text), ('pending', 0, null::text)$$, 'both are pending with a fresh attempt budget');
select is(array[tests.receipt_msg_count('q_receipt_ocr', :'r1'), tests.receipt_msg_count('q_receipt_ocr', :'r2')], array[1, 1]::bigint[], 'each is back on receipt_ocr once');
select is((select count(*) from pgmq.q_receipt_ocr_dlq), 0::bigint, 'the dead-letter queue is empty');
select is((select count(*) from pgmq.a_receipt_ocr_dlq), 2::bigint, 'the dead letters are archived, not lost');
select is(tests.event_types(:'r1'), '{uploaded,processing,dead_lettered,replayed}', 'a replayed event is recorded');

select * from finish();
rollback;
