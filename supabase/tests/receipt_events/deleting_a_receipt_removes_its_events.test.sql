-- receipt_events: append-only does not block erasure - deleting a receipt cascades to its events.
begin;
\ir ../00_helpers/tests_schema.psql
\ir ../receipts/fixtures.psql
select plan(2);
select tests.seed_tenancy() as acme_id \gset
select tests.insert_receipt('member', 'member-1') as receipt_id \gset

select lives_ok(format('delete from public.receipts where id = %L', :'receipt_id'), 'a receipt with history can be deleted');
select is((select count(*) from public.receipt_events where receipt_id = :'receipt_id'), 0::bigint, 'its events go with it');

select * from finish();
rollback;
