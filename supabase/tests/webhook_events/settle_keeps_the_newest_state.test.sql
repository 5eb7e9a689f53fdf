-- settle_webhook_batch: projections follow provider time, not arrival order. Payment objects keep
-- the newest event's state; message statuses only move forward and failed is terminal.
begin;
\ir ../00_helpers/tests_schema.psql
\ir fixtures.psql
select plan(9);
select tests.use('service_role');

-- ---- payment object: newer event settled first, the older one after it ----
select tests.webhook_event('stripe', 'evt_new', 'payment_intent.succeeded', '2026-01-01 10:00:10+00') as new_id \gset
select tests.webhook_event('stripe', 'evt_old', 'payment_intent.created', '2026-01-01 10:00:00+00') as old_id \gset
select private.settle_webhook_batch(jsonb_build_array(
  tests.webhook_outcome(:new_id, 'done', tests.payment_projection('pi_ooo', 'succeeded'))));
select is(
  private.settle_webhook_batch(jsonb_build_array(
    tests.webhook_outcome(:old_id, 'done', tests.payment_projection('pi_ooo', 'requires_payment_method')))),
  '{"done": 1}'::jsonb, 'the older event settles as done');
select results_eq(
  $$select status, last_event_id, last_event_at from public.payment_objects where object_id = 'pi_ooo'$$,
  $$values ('succeeded', 'evt_new', '2026-01-01 10:00:10+00'::timestamptz)$$,
  'an older event arriving later does not overwrite the newer state');
select results_eq(
  $$select event_id, status::text from public.webhook_events where event_id in ('evt_new', 'evt_old') order by event_id$$,
  $$values ('evt_new', 'processed'), ('evt_old', 'processed')$$,
  'both events are marked processed');

-- ---- payment object: both in one batch, newest listed first ----
select tests.webhook_event('stripe', 'evt_b2', 'payment_intent.succeeded', '2026-01-01 11:00:05+00') as b2 \gset
select tests.webhook_event('stripe', 'evt_b1', 'payment_intent.processing', '2026-01-01 11:00:00+00') as b1 \gset
select private.settle_webhook_batch(jsonb_build_array(
  tests.webhook_outcome(:b2, 'done', tests.payment_projection('pi_batch', 'succeeded')),
  tests.webhook_outcome(:b1, 'done', tests.payment_projection('pi_batch', 'processing'))));
select results_eq(
  $$select status, last_event_id from public.payment_objects where object_id = 'pi_batch'$$,
  $$values ('succeeded', 'evt_b2')$$,
  'within one batch the newest event of an object wins');

-- ---- message status: read, then a late delivered ----
select tests.webhook_event('whatsapp', 'wamid.1:read', 'status.read', '2026-01-01 12:00:05+00') as r \gset
select tests.webhook_event('whatsapp', 'wamid.1:delivered', 'status.delivered', '2026-01-01 12:00:00+00') as d \gset
select private.settle_webhook_batch(jsonb_build_array(
  tests.webhook_outcome(:r, 'done', tests.message_projection('wamid.1', 'read'))));
select private.settle_webhook_batch(jsonb_build_array(
  tests.webhook_outcome(:d, 'done', tests.message_projection('wamid.1', 'delivered'))));
select results_eq(
  $$select status, last_event_id, status_at from public.message_statuses where message_id = 'wamid.1'$$,
  $$values ('read', 'wamid.1:read', '2026-01-01 12:00:05+00'::timestamptz)$$,
  'a late delivered does not move read back');

-- ---- message status: sent and delivered in one batch ----
select tests.webhook_event('whatsapp', 'wamid.2:sent', 'status.sent', '2026-01-01 12:00:00+00') as s2 \gset
select tests.webhook_event('whatsapp', 'wamid.2:delivered', 'status.delivered', '2026-01-01 12:00:01+00') as d2 \gset
select private.settle_webhook_batch(jsonb_build_array(
  tests.webhook_outcome(:d2, 'done', tests.message_projection('wamid.2', 'delivered')),
  tests.webhook_outcome(:s2, 'done', tests.message_projection('wamid.2', 'sent'))));
select is((select status from public.message_statuses where message_id = 'wamid.2'), 'delivered',
  'within one batch the furthest status wins');

-- ---- failed is terminal ----
select tests.webhook_event('whatsapp', 'wamid.2:failed', 'status.failed', '2026-01-01 12:00:02+00') as f2 \gset
select private.settle_webhook_batch(jsonb_build_array(
  tests.webhook_outcome(:f2, 'done', tests.message_projection('wamid.2', 'failed'))));
select is((select status from public.message_statuses where message_id = 'wamid.2'), 'failed',
  'failed replaces delivered');
select tests.webhook_event('whatsapp', 'wamid.2:read', 'status.read', '2026-01-01 12:00:09+00') as r2 \gset
select private.settle_webhook_batch(jsonb_build_array(
  tests.webhook_outcome(:r2, 'done', tests.message_projection('wamid.2', 'read'))));
select is((select status from public.message_statuses where message_id = 'wamid.2'), 'failed',
  'nothing replaces failed');

-- ---- replayed outcome for a settled event ----
select is(
  private.settle_webhook_batch(jsonb_build_array(jsonb_build_object(
    'msg_id', 0, 'webhook_event_id', :old_id, 'outcome', 'done',
    'projection', tests.payment_projection('pi_ooo', 'canceled')))),
  '{"stale": 1}'::jsonb, 'an outcome for an already processed event is stale and changes nothing');

select * from finish();
rollback;
