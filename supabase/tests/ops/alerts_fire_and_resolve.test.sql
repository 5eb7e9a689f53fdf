-- evaluate_alerts: a breached rule opens one alert, stays one alert while firing (de-duplicated),
-- resolves when the condition clears, fires anew afterwards; each change is POSTed through pg_net
-- to the Vault webhook URL, and nothing is sent without one.
begin;
\ir ../00_helpers/tests_schema.psql
\ir ../receipts/fixtures.psql
select plan(12);
select tests.seed_tenancy() as acme_id \gset
select tests.isolate_receipt_pipeline();
delete from pgmq.q_webhook_events_dlq;
delete from private.alerts; -- what pg_cron already raised on this database
update private.alert_rules set enabled = (rule in ('dead_letters', 'receipts_processing_too_long'));

select results_eq('select fired, resolved from private.evaluate_alerts()', $$values (0, 0)$$,
  'all clear: nothing fires');

-- a dead letter, without a webhook configured
select pgmq.send('receipt_ocr_dlq', '{"receipt_id": "00000000-0000-4000-8000-000000000001"}');
select results_eq('select fired, resolved from private.evaluate_alerts()', $$values (1, 0)$$,
  'a dead letter fires one alert');
select results_eq($$select rule, subject, severity, status from private.alerts$$,
  $$values ('dead_letters', 'receipt_ocr_dlq', 'critical', 'firing')$$, 'naming the rule and the queue');
select is((select count(*) from net.http_request_queue), 0::bigint, 'no webhook in Vault: nothing is sent');

select pgmq.send('receipt_ocr_dlq', '{"receipt_id": "00000000-0000-4000-8000-000000000002"}');
select results_eq('select fired, resolved from private.evaluate_alerts()', $$values (0, 0)$$,
  'still firing: no second alert');
select is((select summary from private.alerts where status = 'firing'), '2 dead-lettered messages in receipt_ocr_dlq',
  'the firing alert says what it sees now');

-- a webhook is configured; the dead letters are replayed
select vault.create_secret('https://hooks.example.test/alerts', 'tallyq_alert_webhook_url');
delete from pgmq.q_receipt_ocr_dlq;
select results_eq('select fired, resolved from private.evaluate_alerts()', $$values (0, 1)$$,
  'cleared: the alert resolves');
select results_eq($$select status, resolved_at is not null from private.alerts$$, $$values ('resolved', true)$$,
  'with its resolution time');
select results_eq(
  $$select url, (convert_from(body, 'UTF8')::jsonb ->> 'status'), (convert_from(body, 'UTF8')::jsonb ->> 'rule') from net.http_request_queue$$,
  $$values ('https://hooks.example.test/alerts', 'resolved', 'dead_letters')$$,
  'the resolution is POSTed to the webhook URL from Vault');

-- a receipt stuck in processing for 10 minutes
select tests.insert_receipt('member', 'stuck') as stuck_id \gset
set local session_replication_role = replica;
update public.receipts set status = 'processing', updated_at = now() - interval '10 minutes' where id = :'stuck_id';
set local session_replication_role = origin;
select results_eq('select fired, resolved from private.evaluate_alerts()', $$values (1, 0)$$,
  'a receipt processing for 10 minutes fires');
select is((select count(*) from net.http_request_queue where convert_from(body, 'UTF8')::jsonb ->> 'status' = 'firing'), 1::bigint,
  'and is POSTed as firing');
select is((select count(*) from private.alerts), 2::bigint, 'history keeps the resolved alert beside the new one');

select * from finish();
rollback;
