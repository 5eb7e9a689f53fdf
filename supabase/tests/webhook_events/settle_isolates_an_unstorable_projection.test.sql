-- settle_webhook_batch, poison: an event whose projection cannot be stored (a blank object id,
-- a livemode that is not a boolean) fails alone with the reason and is dead-lettered; the other
-- events of the batch are projected normally in the same call.
begin;
\ir ../00_helpers/tests_schema.psql
\ir fixtures.psql
select plan(6);
select tests.use('service_role');

select tests.webhook_event('stripe', 'evt_good', 'payment_intent.succeeded', now()) as good \gset
select tests.webhook_event('stripe', 'evt_blank', 'payment_intent.succeeded', now()) as blank \gset
select tests.webhook_event('stripe', 'evt_livemode', 'payment_intent.succeeded', now()) as livemode \gset

select is(private.settle_webhook_batch(jsonb_build_array(
    tests.webhook_outcome(:good, 'done', tests.payment_projection('pi_good', 'succeeded')),
    tests.webhook_outcome(:blank, 'done', tests.payment_projection(' ', 'succeeded')),
    tests.webhook_outcome(:livemode, 'done', tests.payment_projection('pi_live', 'succeeded') || '{"livemode": "maybe"}'))),
  '{"done": 1, "fail": 2}'::jsonb, 'one done, two failed, in one call');
select is((select status from public.payment_objects where object_id = 'pi_good'), 'succeeded', 'the good event is projected');
select results_eq($$select event_id, status::text from public.webhook_events where event_id in ('evt_good', 'evt_blank', 'evt_livemode') order by event_id$$,
  $$values ('evt_blank', 'failed'), ('evt_good', 'processed'), ('evt_livemode', 'failed')$$, 'only the unstorable events fail');
select matches((select last_error from public.webhook_events where event_id = 'evt_blank'), '^Projection could not be stored \(23514: .*object_id_is_not_blank', 'with the reason');
select is((select count(*) from pgmq.q_webhook_events_dlq where (message ->> 'webhook_event_id')::bigint in (:blank, :livemode)), 2::bigint, 'both are dead-lettered once');
select is((select count(*) from pgmq.q_webhook_events where (message ->> 'webhook_event_id')::bigint in (:good, :blank, :livemode)), 0::bigint, 'no message of the batch comes back');

select * from finish();
rollback;
