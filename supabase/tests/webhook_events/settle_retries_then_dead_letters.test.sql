-- claim/settle_webhook_batch: retries back off through the visibility timeout and count attempts;
-- the last allowed attempt or a permanent error dead-letters the event; settled events are skipped.
begin;
\ir ../00_helpers/tests_schema.psql
\ir fixtures.psql
select plan(12);
select tests.use('service_role');

select tests.webhook_event('stripe', 'evt_retry', 'invoice.paid', now()) as id \gset
select tests.webhook_msg_id(:id) as msg \gset

select is(
  (select count(*)::int from private.claim_webhook_batch(100, 30) as c where c.webhook_event_id = :id),
  1, 'a stored event is claimed');

select is(
  private.settle_webhook_batch(jsonb_build_array(tests.webhook_outcome(:id, 'retry', null, 'timeout', 60)), 3),
  '{"retry": 1}'::jsonb, 'a transient failure is retried');
select results_eq(
  $$select status::text, attempts, last_error from public.webhook_events where event_id = 'evt_retry'$$,
  $$values ('received', 1, 'timeout')$$,
  'a retry counts the attempt and keeps the error');
select ok(
  (select q.vt > clock_timestamp() + interval '50 seconds' from pgmq.q_webhook_events as q where q.msg_id = :msg),
  'the message stays invisible for the backoff delay');

select private.settle_webhook_batch(jsonb_build_array(tests.webhook_outcome(:id, 'retry', null, 'timeout', 60)), 3);
select is(
  private.settle_webhook_batch(jsonb_build_array(tests.webhook_outcome(:id, 'retry', null, 'timeout', 60)), 3),
  '{"fail": 1}'::jsonb, 'the retry that reaches the attempt budget fails');
select results_eq(
  $$select status::text, attempts, last_error, processed_at from public.webhook_events where event_id = 'evt_retry'$$,
  $$values ('failed', 3, 'timeout (attempts exhausted)', null::timestamptz)$$,
  'the event is failed with its attempts and error');
select is(
  (select count(*)::int from pgmq.q_webhook_events_dlq where message ->> 'webhook_event_id' = :'id'),
  1, 'the event is in the dead-letter queue');
select is(
  (select count(*)::int from pgmq.a_webhook_events where msg_id = :msg),
  1, 'its work message is archived');

select tests.webhook_event('stripe', 'evt_bad', 'x.y', now()) as bad \gset
select is(
  private.settle_webhook_batch(jsonb_build_array(tests.webhook_outcome(:bad, 'fail', null, 'no data.object'))),
  '{"fail": 1}'::jsonb, 'a permanent error fails at once');
select is((select attempts from public.webhook_events where id = :bad), 1, 'after one attempt');

select tests.webhook_event('stripe', 'evt_settled', 'x.y', now()) as settled \gset
select tests.webhook_msg_id(:settled) as settled_msg \gset
update public.webhook_events set status = 'processed', processed_at = now() where id = :settled;
select is(
  (select count(*)::int from private.claim_webhook_batch(100, 30) as c where c.webhook_event_id = :settled),
  0, 'a message for an already settled event is not handed out');

select throws_ok(
  format('select private.settle_webhook_batch(%L)',
    jsonb_build_array(tests.webhook_outcome(:bad, 'maybe'))),
  '22023', 'settle_webhook_batch: outcome must be done, retry or fail',
  'unknown outcomes are rejected');

select * from finish();
rollback;
