-- Webhook processing queue: pgmq queues (work + dead letters) and the enqueue trigger on
-- webhook_events (one message per newly stored event; a
-- duplicate delivery inserts no row, so it sends nothing). The sweep (…0335_webhook_cron.sql)
-- picks up retries.
-- The processor is woken through private.kick_function (…0150_kick_function.sql).

create extension if not exists pgmq;

-- ============================================================================
-- queues (pgmq.create is idempotent)
-- ============================================================================
select pgmq.create('webhook_events');
select pgmq.create('webhook_events_dlq');

-- ============================================================================
-- functions
-- ============================================================================
create function private.enqueue_new_webhook_events()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  -- One statement, however many rows: one batched send, one kick. ON CONFLICT DO NOTHING rows
  -- never reach the transition table, so a redelivered event enqueues nothing.
  if not exists (select 1 from new_webhook_events) then
    return null;
  end if;
  perform pgmq.send_batch(
    'webhook_events',
    (select array_agg(jsonb_build_object('webhook_event_id', n.id, 'provider', n.provider)
                      order by n.occurred_at, n.id)
     from new_webhook_events as n)
  );
  perform private.kick_function('webhook-processor', 'enqueue');
  return null;
end;
$$;

comment on function private.enqueue_new_webhook_events() is
  'after insert on webhook_events (per statement): enqueue each new row on webhook_events and kick '
  'webhook-processor, in the inserting transaction - an event is never stored without its message.';

create trigger tallyq_enqueue_new_webhook_events
  after insert on public.webhook_events
  referencing new table as new_webhook_events
  for each statement execute function private.enqueue_new_webhook_events();

-- ============================================================================
-- views (service role only: they read queue internals)
-- ============================================================================
create view public.webhook_queue_health
with (security_invoker = true)
as
select
  (select count(*) from pgmq.q_webhook_events as q where q.vt <= clock_timestamp()) as pending_count,
  (select count(*) from pgmq.q_webhook_events as q where q.vt > clock_timestamp()) as in_flight_count,
  (select count(*) from pgmq.a_webhook_events) as processed_count,
  (select count(*) from pgmq.q_webhook_events_dlq) as dead_lettered_count,
  (select extract(epoch from clock_timestamp() - min(q.enqueued_at))::integer
   from pgmq.q_webhook_events as q) as oldest_message_age_seconds;

comment on view public.webhook_queue_health is
  'Webhook queue health: pending, in-flight, archived and dead-lettered messages and the age of '
  'the oldest message. Service role only.';

-- ============================================================================
-- grants
-- ============================================================================
revoke all on public.webhook_queue_health from public, anon, authenticated;
grant select on public.webhook_queue_health to service_role;
grant usage on schema pgmq to service_role;
grant select on pgmq.q_webhook_events, pgmq.a_webhook_events, pgmq.q_webhook_events_dlq to service_role;
revoke all on function private.enqueue_new_webhook_events() from public, anon, authenticated;
