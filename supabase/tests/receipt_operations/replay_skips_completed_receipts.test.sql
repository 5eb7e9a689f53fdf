-- replay_dead_letters(): a dead letter whose receipt has since completed is archived, not replayed.
begin;
\ir ../00_helpers/tests_schema.psql
\ir ../receipts/fixtures.psql
\ir fixtures.psql
select plan(3);
select tests.seed_tenancy() as acme_id \gset
select tests.isolate_receipt_pipeline();
select tests.insert_receipt('member', 'r1') as r1 \gset
select tests.dead_letter(array[:'r1']::uuid[]);
-- a late delivery completed it after it was dead-lettered
update public.receipts set status = 'ocr_done', processor_version = 'v1' where id = :'r1';

select is(public.replay_dead_letters(), 0, 'nothing is replayed');
select is((select status::text from public.receipts where id = :'r1'), 'ocr_done', 'the receipt keeps its result');
select is((select count(*) from pgmq.q_receipt_ocr_dlq), 0::bigint, 'its dead letter is archived');

select * from finish();
rollback;
