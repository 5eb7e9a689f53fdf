-- claim_webhook_batch(qty, vt, max_deliveries): a message read more than max_deliveries times
-- without a settle (a processor that crashes on it) is dead-lettered at claim with the reason;
-- a message retried (settled) between deliveries keeps going.
begin;
\ir ../00_helpers/tests_schema.psql
\ir fixtures.psql
select plan(6);
-- only this test's events are visible to the claims below
delete from pgmq.q_webhook_events;
create function tests.deliver_and_retry(p_event_id bigint)
returns void language sql set search_path = '' as $$
  select private.settle_webhook_batch(coalesce(jsonb_agg(jsonb_build_object(
    'msg_id', c.msg_id, 'webhook_event_id', c.webhook_event_id, 'outcome', 'retry', 'error', 'timeout', 'delay_seconds', 0)), '[]'), 100)
  from private.claim_webhook_batch(10, 0, 2) as c where c.webhook_event_id = p_event_id
$$;
select tests.use('service_role');

select tests.webhook_event('stripe', 'evt_crash', 'invoice.paid', now()) as crash \gset
select tests.webhook_event('stripe', 'evt_retried', 'invoice.paid', now()) as retried \gset

select tests.deliver_and_retry(:retried);
select tests.deliver_and_retry(:retried);

select results_eq('select webhook_event_id from private.claim_webhook_batch(10, 0, 2)', format('values (%s::bigint)', :retried),
  'the third claim hands out only the message that was settled between deliveries');
select results_eq(format('select status::text, last_error from public.webhook_events where id = %s', :crash),
  $$values ('failed', 'Delivered 3 times without a settle (limit 2)')$$, 'the crash-looping event is failed with the reason');
select is((select message ->> 'reason' from pgmq.q_webhook_events_dlq where (message ->> 'webhook_event_id')::bigint = :crash), 'Delivered 3 times without a settle (limit 2)', 'and dead-lettered with it');
select is((select count(*) from pgmq.q_webhook_events where (message ->> 'webhook_event_id')::bigint = :crash), 0::bigint, 'its message is archived');
select is((select status::text from public.webhook_events where id = :retried), 'received', 'the retried event is still to be processed');
select is((select count(*) from private.claim_webhook_batch(10, 0, 2) as c where c.webhook_event_id = :crash), 0::bigint, 'the dead-lettered event is never handed out again');

select * from finish();
rollback;
