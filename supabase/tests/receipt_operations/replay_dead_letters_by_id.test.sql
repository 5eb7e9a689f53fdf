-- replay_dead_letters(ids): replays only the receipts named.
begin;
\ir ../00_helpers/tests_schema.psql
\ir ../receipts/fixtures.psql
\ir fixtures.psql
select plan(5);
select tests.seed_tenancy() as acme_id \gset
select tests.isolate_receipt_pipeline();
select tests.insert_receipt('member', 'r1') as r1 \gset
select tests.insert_receipt('member', 'r2') as r2 \gset
select tests.dead_letter(array[:'r1', :'r2']::uuid[]);

select is(public.replay_dead_letters(array[:'r1']::uuid[]), 1, 'one receipt is replayed');
select is((select status::text from public.receipts where id = :'r1'), 'pending', 'the named receipt is pending');
select is((select status::text from public.receipts where id = :'r2'), 'failed', 'the other stays failed');
select is(array(select (message ->> 'receipt_id')::uuid from pgmq.q_receipt_ocr_dlq), array[:'r2']::uuid[], 'its dead letter stays');
select is(public.replay_dead_letters(array[gen_random_uuid()]), 0, 'an id with no dead letter replays nothing');

select * from finish();
rollback;
