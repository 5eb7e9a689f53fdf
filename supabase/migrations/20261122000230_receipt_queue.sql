-- Receipt OCR queue: pgmq queues (work + dead letters), the generic pg_net "kick a function"
-- helper, the enqueue trigger that kicks the worker (so latency is not bound to cron), and the
-- queue-health views.
-- The worker URL and its bearer secret come from Vault (tallyq_functions_url, tallyq_worker_secret).

create extension if not exists pgmq;
create extension if not exists pg_net with schema extensions;
create extension if not exists supabase_vault;

-- ============================================================================
-- queues (pgmq.create is idempotent)
-- ============================================================================
select pgmq.create('receipt_ocr');
select pgmq.create('receipt_ocr_dlq');

-- ============================================================================
-- functions
-- ============================================================================
create function private.kick_function(p_name text, p_reason text)
returns bigint
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_url text;
  v_secret text;
begin
  if p_name is null or p_name !~ '^[a-z0-9][a-z0-9-]{0,62}$' then
    raise exception 'kick_function: invalid function name %', p_name using errcode = '22023';
  end if;
  select s.decrypted_secret into v_url
  from vault.decrypted_secrets as s where s.name = 'tallyq_functions_url';
  select s.decrypted_secret into v_secret
  from vault.decrypted_secrets as s where s.name = 'tallyq_worker_secret';
  if v_url is null or v_secret is null then
    raise warning '% not kicked: vault secrets tallyq_functions_url/tallyq_worker_secret are missing', p_name;
    return null;
  end if;
  -- pg_net sends after commit, so the function never looks before the message is visible.
  return net.http_post(
    url := v_url || '/' || p_name,
    body := jsonb_build_object('reason', p_reason),
    headers := jsonb_build_object(
      'Content-Type', 'application/json',
      'Authorization', 'Bearer ' || v_secret
    ),
    timeout_milliseconds := 5000
  );
end;
$$;

comment on function private.kick_function(text, text) is
  'Asks the edge function p_name (a queue processor authenticated with the shared worker secret) '
  'to drain its queue: pg_net POST to <tallyq_functions_url>/<p_name> with the Vault secret.';

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
revoke all on function private.kick_function(text, text) from public, anon, authenticated;
revoke all on function private.enqueue_new_receipts() from public, anon, authenticated;
