-- Enqueue trigger: one INSERT statement of several receipts → one receipt_ocr message and one
-- uploaded event per receipt, and ONE pg_net kick for the statement carrying the Vault secret.
-- (The stand-in pg_net only queues the request; nothing is sent, and the transaction rolls back.)
begin;
\ir ../00_helpers/tests_schema.psql
\ir ../receipts/fixtures.psql
select plan(9);
select tests.seed_tenancy() as acme_id \gset
select tests.isolate_receipt_pipeline();
delete from vault.secrets where name in ('tallyq_functions_url', 'tallyq_worker_secret');
select vault.create_secret('http://example.invalid/functions/v1', 'tallyq_functions_url');
select vault.create_secret('test-worker-secret', 'tallyq_worker_secret');

select tests.run_as('service_role', format(
  'insert into public.receipts (organisation_id, owner_id, storage_path, sha256, content_type, size_bytes, original_filename, idempotency_key) values %s, %s, %s',
  tests.receipt_values('member', 'r1'), tests.receipt_values('member', 'r2'), tests.receipt_values('member', 'r3')));

select results_eq(
  $$select tests.receipt_msg_count('q_receipt_ocr', r.id) from public.receipts as r order by r.sha256$$,
  $$values (1::bigint), (1::bigint), (1::bigint)$$,
  'each receipt has exactly one message on receipt_ocr');
select is((select count(*) from pgmq.q_receipt_ocr), 3::bigint, 'and there are no other messages');
select results_eq(
  $$select tests.event_types(r.id) from public.receipts as r order by r.sha256$$,
  $$values ('{uploaded}'::text[]), ('{uploaded}'::text[]), ('{uploaded}'::text[])$$,
  'each receipt has exactly one uploaded event');
select is((select to_status::text from public.receipt_events limit 1), 'pending', 'uploaded events record the pending status');
select is((select count(*) from net.http_request_queue), 1::bigint, 'the statement kicks the worker once, not once per row');
select is((select url from net.http_request_queue), 'http://example.invalid/functions/v1/receipt-worker', 'the kick targets the receipt-worker function at the Vault URL');
select is((select headers ->> 'Authorization' from net.http_request_queue), 'Bearer test-worker-secret', 'the kick carries the Vault worker secret as a bearer token');
select is((select convert_from(body, 'UTF8')::jsonb from net.http_request_queue), '{"reason": "enqueue"}'::jsonb, 'the kick says why');

select tests.insert_receipt('member', 'r4');
select is((select count(*) from net.http_request_queue), 2::bigint, 'a second statement kicks again');

select * from finish();
rollback;
