-- webhook_events: a provider event is stored once; only new rows are enqueued and kick the processor.
begin;
\ir ../00_helpers/tests_schema.psql
\ir fixtures.psql
select plan(8);

select coalesce(max(id), 0) as kicks_before from net.http_request_queue \gset
select tests.webhook_event('stripe', 'evt_once', 'charge.succeeded', now()) as first_id \gset

select is(
  (select count(*)::int from pgmq.q_webhook_events where message ->> 'webhook_event_id' = :'first_id'),
  1, 'a new event is enqueued once');
select is(
  (select count(*)::int from net.http_request_queue
   where id > :kicks_before and url like '%/webhook-processor' and method = 'POST'),
  1, 'storing it kicks webhook-processor through pg_net');

select is(tests.webhook_event('stripe', 'evt_once', 'charge.succeeded', now()), null,
  'the same event delivered again stores nothing');
select is((select count(*)::int from public.webhook_events where provider = 'stripe' and event_id = 'evt_once'),
  1, 'still one row');
select is(
  (select count(*)::int from pgmq.q_webhook_events where message ->> 'webhook_event_id' = :'first_id'),
  1, 'and still one queue message');
select is(
  (select count(*)::int from net.http_request_queue where id > :kicks_before and url like '%/webhook-processor'),
  1, 'a duplicate delivery does not kick the processor');

select isnt(tests.webhook_event('whatsapp', 'evt_once', 'message.text', now()), null,
  'the same id from another provider is another event');

select throws_ok(
  $$insert into public.webhook_events (provider, event_id, event_type, occurred_at, payload, signature_verified_at)
    values ('paypal', 'x', 'x', now(), '{}', now())$$,
  '23514',
  'new row for relation "webhook_events" violates check constraint "provider_is_known"',
  'only known providers are stored');

select * from finish();
rollback;
