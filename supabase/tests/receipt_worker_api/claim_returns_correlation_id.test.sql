-- claim_receipt_batch hands the worker the correlation id of the request that enqueued each
-- receipt (the worker's log lines carry it); a message without one gives null, and a dead letter
-- made at claim keeps it.
begin;
\ir ../00_helpers/tests_schema.psql
\ir ../receipts/fixtures.psql
select plan(4);
select tests.seed_tenancy() as acme_id \gset
select tests.isolate_receipt_pipeline();

select set_config('tallyq.correlation_id', 'req-claim-0001', true);
select tests.insert_receipt('member', 'with-id') as with_id \gset
select set_config('tallyq.correlation_id', '', true);
select tests.insert_receipt('member', 'without-id') as without_id \gset

select results_eq(
  'select receipt_id, correlation_id from private.claim_receipt_batch(10, 0, 3) order by correlation_id nulls last',
  format('values (%L::uuid, %L::text), (%L::uuid, null)', :'with_id', 'req-claim-0001', :'without_id'),
  'each claimed receipt comes with its request''s correlation id, or null');
-- (read again: the messages are visible at once with vt 0)
select is((select correlation_id from private.claim_receipt_batch(10, 0) where receipt_id = :'with_id'),
  'req-claim-0001', 'the two-argument claim returns it too');

-- delivered past the limit: dead-lettered at claim, the dead letter names the request
select private.claim_receipt_batch(10, 0, 100) from generate_series(1, 3);
select is((select count(*) from private.claim_receipt_batch(10, 0, 3)), 0::bigint,
  'both messages, read too often, are dead-lettered at claim');
select results_eq(
  $$select message ->> 'receipt_id', message ->> 'correlation_id', message ->> 'reason'
    from pgmq.q_receipt_ocr_dlq order by message ->> 'correlation_id' nulls last$$,
  format($$values (%L, 'req-claim-0001', 'Delivered 6 times without a settle (limit 3)'),
                  (%L, null, 'Delivered 6 times without a settle (limit 3)')$$, :'with_id', :'without_id'),
  'the dead letters keep the correlation id (none without one) and give the reason');

select * from finish();
rollback;
