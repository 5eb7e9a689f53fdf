-- claim_receipt_batch: returns up to qty pending receipts in message order, marks them processing
-- with a processing event, and hides their messages for the visibility timeout.
begin;
\ir ../00_helpers/tests_schema.psql
\ir ../receipts/fixtures.psql
select plan(8);
select tests.seed_tenancy() as acme_id \gset
select tests.isolate_receipt_pipeline();
select tests.insert_receipt('member', 'r1') as r1 \gset
select tests.insert_receipt('member', 'r2') as r2 \gset
select tests.insert_receipt('owner', 'r3') as r3 \gset

create temp table claimed on commit drop as select * from private.claim_receipt_batch(2, 30);
select results_eq(
  'select receipt_id, mode, read_ct, attempts, storage_path from claimed order by msg_id',
  format($$select r.id, 'ocr'::text, 1, 0, r.storage_path from unnest(array[%L, %L]::uuid[]) with ordinality as u(id, n) join public.receipts as r using (id) order by u.n$$, :'r1', :'r2'),
  'the first two receipts are claimed with what the worker needs');
select results_eq(
  format('select id, status::text from public.receipts where id in (%L, %L, %L) order by sha256', :'r1', :'r2', :'r3'),
  format($$select id, case when id = %L then 'pending' else 'processing' end from public.receipts where id in (%L, %L, %L) order by sha256$$, :'r3', :'r1', :'r2', :'r3'),
  'claimed receipts are processing; the third is still pending');
select is(tests.event_types(:'r1'), '{uploaded,processing}', 'a processing event is recorded');
select is((select attempt from public.receipt_events where receipt_id = :'r1' and event_type = 'processing'), 1, 'with the delivery count');
select ok((select bool_and(q.vt > clock_timestamp() + interval '20 seconds') from pgmq.q_receipt_ocr as q join claimed as c using (msg_id)), 'claimed messages are invisible for the visibility timeout');
select is((select array_agg(receipt_id) from private.claim_receipt_batch(10, 30)), array[:'r3'::uuid], 'reading again returns only the unclaimed receipt');
select is((select count(*) from private.claim_receipt_batch(10, 30)), 0::bigint, 'then nothing');
select is((select count(*) from pgmq.q_receipt_ocr), 3::bigint, 'claiming archives nothing that still has work');

select * from finish();
rollback;
