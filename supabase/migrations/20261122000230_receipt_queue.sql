-- Receipt OCR queue: pgmq queues (work + dead letters), the enqueue trigger that kicks the worker
-- through private.kick_function (…0150_kick_function.sql, so latency is not bound to cron), and
-- the queue-health views.

create extension if not exists pgmq;

-- ============================================================================
-- queues (pgmq.create is idempotent)
-- ============================================================================
select pgmq.create('receipt_ocr');
select pgmq.create('receipt_ocr_dlq');

-- ============================================================================
-- functions
-- ============================================================================
create function private.enqueue_new_receipts()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  -- One statement, however many rows: one batched send, one event insert, one kick.
  perform pgmq.send_batch(
    'receipt_ocr',
    (select array_agg(jsonb_build_object('receipt_id', n.id) order by n.created_at) from new_receipts as n)
  )
  where exists (select 1 from new_receipts);

  insert into public.receipt_events (receipt_id, organisation_id, event_type, to_status, metadata)
  select n.id, n.organisation_id, 'uploaded', n.status,
         jsonb_build_object('sha256', n.sha256, 'content_type', n.content_type, 'size_bytes', n.size_bytes)
  from new_receipts as n;

  if exists (select 1 from new_receipts) then
    perform private.kick_function('receipt-worker', 'enqueue');
  end if;
  return null;
end;
$$;

comment on function private.enqueue_new_receipts() is
  'after insert on receipts (per statement): enqueue on receipt_ocr, record uploaded events, kick '
  'the worker - all in the inserting transaction, so a receipt is never stored without its message.';

create trigger tallyq_enqueue_new_receipts
  after insert on public.receipts
  referencing new table as new_receipts
  for each statement execute function private.enqueue_new_receipts();

-- ============================================================================
-- views (service role only: they read queue internals)
-- ============================================================================
create view public.receipt_queue_health
with (security_invoker = true)
as
select
  (select count(*) from pgmq.q_receipt_ocr as q where q.vt <= clock_timestamp()) as pending_count,
  (select count(*) from pgmq.q_receipt_ocr as q where q.vt > clock_timestamp()) as in_flight_count,
  (select count(*) from pgmq.a_receipt_ocr) as processed_count,
  (select count(*) from pgmq.q_receipt_ocr_dlq) as dead_lettered_count,
  (select extract(epoch from clock_timestamp() - min(q.enqueued_at))::integer
   from pgmq.q_receipt_ocr as q) as oldest_message_age_seconds,
  (select count(*) from public.receipts as r where r.status = 'processing') as processing_count;

comment on view public.receipt_queue_health is
  'Queue health: visible (pending), invisible (in flight), archived (processed) and dead-lettered '
  'messages, and the age of the oldest message. Service role only.';

create view public.receipt_failures
with (security_invoker = true)
as
select r.id, r.organisation_id, r.owner_id, r.status, r.attempts, r.last_error, r.updated_at,
       d.msg_id as dead_letter_msg_id, d.enqueued_at as dead_lettered_at
from public.receipts as r
left join pgmq.q_receipt_ocr_dlq as d on (d.message ->> 'receipt_id')::uuid = r.id
where r.status = 'failed' or r.last_error is not null;

comment on view public.receipt_failures is
  'Receipts that failed or are retrying, with their dead-letter message if any. Service role only.';

-- ============================================================================
-- grants
-- ============================================================================
revoke all on public.receipt_queue_health, public.receipt_failures from public, anon, authenticated;
grant select on public.receipt_queue_health, public.receipt_failures to service_role;
-- the views are security_invoker: service_role reads the queue tables they count
grant usage on schema pgmq to service_role;
grant select on pgmq.q_receipt_ocr, pgmq.a_receipt_ocr, pgmq.q_receipt_ocr_dlq to service_role;
revoke all on function private.enqueue_new_receipts() from public, anon, authenticated;
