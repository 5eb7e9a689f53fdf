-- A stored webhook event's queue message carries the delivery's correlation id
-- (tallyq.correlation_id, set by payments-webhook / messaging-webhook), claim_webhook_batch hands
-- it to the processor, and a dead letter made at claim keeps it.
begin;
\ir ../00_helpers/tests_schema.psql
\ir fixtures.psql
select plan(4);
-- only this test's events are visible to the claims below
delete from pgmq.q_webhook_events;
select tests.use('service_role');

select set_config('tallyq.correlation_id', 'req-hook-0001', true);
select tests.webhook_event('stripe', 'evt_with_id', 'invoice.paid', now() - interval '1 minute') as with_id \gset
select set_config('tallyq.correlation_id', '', true);
select tests.webhook_event('stripe', 'evt_without_id', 'invoice.paid', now()) as without_id \gset

select is((select message ->> 'correlation_id' from pgmq.q_webhook_events
           where (message ->> 'webhook_event_id')::bigint = :with_id),
  'req-hook-0001', 'the queue message carries the delivery''s correlation id');
select results_eq('select webhook_event_id, correlation_id from private.claim_webhook_batch(10, 0, 5)',
  format('values (%s::bigint, %L::text), (%s::bigint, null)', :with_id, 'req-hook-0001', :without_id),
  'each claimed event comes with its correlation id, or null without one');

select private.claim_webhook_batch(10, 0, 100) from generate_series(1, 2);
select is((select count(*) from private.claim_webhook_batch(10, 0, 3)), 0::bigint,
  'both messages, read too often, are dead-lettered at claim');
select results_eq(
  $$select (message ->> 'webhook_event_id')::bigint, message ->> 'correlation_id', message ->> 'reason'
    from pgmq.q_webhook_events_dlq where (message ->> 'webhook_event_id')::bigint in ($$ || :with_id || ',' || :without_id || $$)
    order by 1$$,
  format($$values (%s::bigint, 'req-hook-0001', 'Delivered 4 times without a settle (limit 3)'),
                  (%s::bigint, null, 'Delivered 4 times without a settle (limit 3)')$$, :with_id, :without_id),
  'the dead letters keep the correlation id and give the reason');

select * from finish();
rollback;
