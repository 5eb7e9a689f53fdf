-- Enqueue trigger without the Vault secrets: the receipt is still stored and enqueued (cron will
-- sweep it), but no request is made to an unknown URL.
begin;
\ir ../00_helpers/tests_schema.psql
\ir ../receipts/fixtures.psql
select plan(3);
select tests.seed_tenancy() as acme_id \gset
select tests.isolate_receipt_pipeline();
delete from vault.secrets where name in ('tallyq_functions_url', 'tallyq_worker_secret');

set local client_min_messages = error; -- the expected 'not kicked' warning
select lives_ok($$select tests.insert_receipt('member', 'r1')$$, 'the upload succeeds');
select is((select count(*) from pgmq.q_receipt_ocr), 1::bigint, 'the receipt is enqueued');
select is((select count(*) from net.http_request_queue), 0::bigint, 'no kick is sent');

select * from finish();
rollback;
