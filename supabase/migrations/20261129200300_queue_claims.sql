-- Queue claims (receipt-worker, webhook-processor; service_role): one private helper dead-letters
-- a message delivered too often without a settle (20261128100100 / 100200 held near-copies), and
-- each claim returns the correlation id its message carries, so a consumer's log lines name the
-- request that caused the work. Webhook messages now carry the ingesting request's id as well.

-- ============================================================================
-- types
-- ============================================================================
alter type private.claimed_receipt_message add attribute correlation_id text;
alter type private.claimed_webhook_message add attribute correlation_id text;

-- ============================================================================
-- functions: the shared dead-letter step
-- ============================================================================
create function private.queue_overdelivered_reason(p_deliveries integer, p_max_deliveries integer)
returns text
language sql
immutable
set search_path = ''
as $$
  select format('Delivered %s times without a settle (limit %s)', p_deliveries, p_max_deliveries)
$$;

comment on function private.queue_overdelivered_reason(integer, integer) is
  'The reason a claim gives for dead-lettering a message (DLQ message and the row''s last_error).';

create function private.dead_letter_overdelivered(
  p_queue text,
  p_messages jsonb[],
  p_max_deliveries integer
)
returns bigint[]
language plpgsql
set search_path = ''
as $$
declare
  v_ids bigint[] := array(select (m ->> 'msg_id')::bigint from unnest(p_messages) as m);
begin
  if cardinality(v_ids) = 0 then
    return v_ids;
  end if;
  -- one batched send, one batched archive, whatever the number of messages
  perform pgmq.send_batch(p_queue || '_dlq', array(
    select (m - 'msg_id' - 'deliveries') || jsonb_build_object(
      'source_msg_id', (m ->> 'msg_id')::bigint,
      'reason', private.queue_overdelivered_reason((m ->> 'deliveries')::integer, p_max_deliveries),
      'failed_at', clock_timestamp())
    from unnest(p_messages) as m));
  perform pgmq.archive(p_queue, v_ids);
  return v_ids;
end;
$$;

comment on function private.dead_letter_overdelivered(text, jsonb[], integer) is
  'Moves messages a claim read too often without a settle to <p_queue>_dlq and archives them. '
  'p_messages: {msg_id, deliveries, ...what the dead letter names}. Returns the msg_ids; marking '
  'their rows failed is the caller''s (receipts, webhook_events).';

-- ============================================================================
-- functions: receipt claim
-- ============================================================================
drop function private.claim_receipt_batch(integer, integer);
drop function private.claim_receipt_batch(integer, integer, integer);

create function private.claim_receipt_batch(p_qty integer, p_vt_seconds integer, p_max_deliveries integer)
returns table (
  msg_id bigint,
  read_ct integer,
  mode text,
  receipt_id uuid,
  organisation_id uuid,
  storage_path text,
  sha256 text,
  content_type text,
  attempts integer,
  textract_job_id text,
  artifact_path text,
  correlation_id text
)
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_claimed private.claimed_receipt_message[];
  v_dead bigint[];
begin
  select coalesce(array_agg(jsonb_populate_record(null::private.claimed_receipt_message, jsonb_build_object(
    'msg_id', m.msg_id,
    'read_ct', m.read_ct,
    'mode', coalesce(m.message ->> 'mode', 'ocr'),
    'receipt_id', r.id,
    -- nothing left to do: the receipt is gone, or an OCR message for a settled receipt
    'settled', r.id is null or (coalesce(m.message ->> 'mode', 'ocr') = 'ocr'
                                and r.status in ('ocr_done', 'needs_review', 'failed')),
    'deliveries', private.queue_deliveries_since_settle(m.message, m.read_ct),
    'correlation_id', left(m.message ->> 'correlation_id', 200)
  )) order by m.msg_id), '{}')
  into v_claimed
  from pgmq.read('receipt_ocr', p_vt_seconds, p_qty) as m
  -- lateral + limit 1: one index probe per message (see 20261128100100)
  left join lateral (
    select r.id, r.status from public.receipts as r
    where r.id = private.uuid_or_null(m.message ->> 'receipt_id')
    limit 1
  ) as r on true;

  -- ---- delivered too often without a settle (a crash loop): dead-letter, never OCR again ----
  v_dead := private.dead_letter_overdelivered('receipt_ocr', array(
    select jsonb_strip_nulls(jsonb_build_object('msg_id', c.msg_id, 'deliveries', c.deliveries,
             'receipt_id', c.receipt_id, 'mode', c.mode, 'correlation_id', c.correlation_id))
    from unnest(v_claimed) as c
    where not c.settled and c.deliveries > p_max_deliveries), p_max_deliveries);

  with failed as (
    update public.receipts as r set
      status = 'failed', attempts = r.attempts + 1,
      last_error = private.queue_overdelivered_reason(c.deliveries, p_max_deliveries)
    from unnest(v_claimed) as c
    where r.id = c.receipt_id and c.msg_id = any (v_dead) and c.mode = 'ocr'
    returning r.id, r.organisation_id, r.attempts, r.last_error
  )
  insert into public.receipt_events
    (receipt_id, organisation_id, event_type, from_status, to_status, attempt, metadata)
  select f.id, f.organisation_id, 'dead_lettered', 'processing', 'failed', f.attempts,
         jsonb_build_object('reason', f.last_error)
  from failed as f;

  perform pgmq.archive('receipt_ocr', array(select c.msg_id from unnest(v_claimed) as c where c.settled));

  -- ---- the rest is work: mark processing and hand it to the worker ----
  insert into public.receipt_events (receipt_id, organisation_id, event_type, from_status, to_status, attempt)
  select r.id, r.organisation_id, 'processing', r.status, 'processing', c.read_ct
  from unnest(v_claimed) as c join public.receipts as r on r.id = c.receipt_id
  where not c.settled and c.msg_id <> all (v_dead) and c.mode = 'ocr' and r.status = 'pending';

  update public.receipts as r set status = 'processing'
  from unnest(v_claimed) as c
  where r.id = c.receipt_id and not c.settled and c.msg_id <> all (v_dead)
    and c.mode = 'ocr' and r.status = 'pending';

  return query
  select c.msg_id, c.read_ct, c.mode, r.id, r.organisation_id, r.storage_path, r.sha256,
         r.content_type, r.attempts, r.textract_job_id, r.artifact_path, c.correlation_id
  from unnest(v_claimed) as c join public.receipts as r on r.id = c.receipt_id
  where not c.settled and c.msg_id <> all (v_dead)
  order by c.msg_id;
end;
$$;

comment on function private.claim_receipt_batch(integer, integer, integer) is
  'Reads up to p_qty messages from receipt_ocr (invisible for p_vt_seconds), marks their receipts '
  'processing and returns what the worker needs, with the correlation id of the request that '
  'enqueued each; archives messages with nothing left to do, and dead-letters (receipt failed, '
  'with the reason) a message delivered more than p_max_deliveries times since its last settle.';

-- Workers deployed before WORKER_MAX_DELIVERIES keep working during a deploy (default 5).
create function private.claim_receipt_batch(p_qty integer, p_vt_seconds integer)
returns table (
  msg_id bigint,
  read_ct integer,
  mode text,
  receipt_id uuid,
  organisation_id uuid,
  storage_path text,
  sha256 text,
  content_type text,
  attempts integer,
  textract_job_id text,
  artifact_path text,
  correlation_id text
)
language sql
security definer
set search_path = ''
as $$
  select * from private.claim_receipt_batch(p_qty, p_vt_seconds, 5)
$$;

comment on function private.claim_receipt_batch(integer, integer) is
  'claim_receipt_batch(p_qty, p_vt_seconds, 5): for workers that do not pass WORKER_MAX_DELIVERIES.';

-- ============================================================================
-- functions: webhook claim and enqueue
-- ============================================================================
drop function private.claim_webhook_batch(integer, integer);
drop function private.claim_webhook_batch(integer, integer, integer);

create function private.claim_webhook_batch(p_qty integer, p_vt_seconds integer, p_max_deliveries integer)
returns table (
  msg_id bigint,
  read_ct integer,
  webhook_event_id bigint,
  provider text,
  event_id text,
  event_type text,
  occurred_at timestamptz,
  payload jsonb,
  attempts integer,
  correlation_id text
)
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_claimed private.claimed_webhook_message[];
  v_dead bigint[];
begin
  select coalesce(array_agg(jsonb_populate_record(null::private.claimed_webhook_message, jsonb_build_object(
    'msg_id', m.msg_id,
    'read_ct', m.read_ct,
    'webhook_event_id', case when m.message ->> 'webhook_event_id' ~ '^[0-9]{1,18}$'
                             then (m.message ->> 'webhook_event_id')::bigint end,
    'deliveries', private.queue_deliveries_since_settle(m.message, m.read_ct),
    'correlation_id', left(m.message ->> 'correlation_id', 200)
  ))), '{}')
  into v_claimed
  from pgmq.read('webhook_events', p_vt_seconds, p_qty) as m;

  -- ---- delivered too often without a settle: dead-letter now, with the reason ----
  v_dead := private.dead_letter_overdelivered('webhook_events', array(
    select jsonb_strip_nulls(jsonb_build_object('msg_id', c.msg_id, 'deliveries', c.deliveries,
             'webhook_event_id', c.webhook_event_id, 'correlation_id', c.correlation_id))
    from unnest(v_claimed) as c
    join public.webhook_events as e on e.id = c.webhook_event_id
    where e.status = 'received' and c.deliveries > p_max_deliveries), p_max_deliveries);

  update public.webhook_events as e set
    status = 'failed', attempts = e.attempts + 1,
    last_error = private.queue_overdelivered_reason(c.deliveries, p_max_deliveries)
  from unnest(v_claimed) as c
  where e.id = c.webhook_event_id and c.msg_id = any (v_dead);

  -- Nothing left to do: the event is gone or already settled (the dead-lettered are archived).
  perform pgmq.archive('webhook_events', array(
    select c.msg_id from unnest(v_claimed) as c
    left join public.webhook_events as e on e.id = c.webhook_event_id
    where (e.id is null or e.status <> 'received') and c.msg_id <> all (v_dead)));

  return query
  select c.msg_id, c.read_ct, e.id, e.provider, e.event_id, e.event_type, e.occurred_at,
         e.payload, e.attempts, c.correlation_id
  from unnest(v_claimed) as c
  join public.webhook_events as e on e.id = c.webhook_event_id
  where e.status = 'received'
  order by e.occurred_at, e.id;
end;
$$;

comment on function private.claim_webhook_batch(integer, integer, integer) is
  'Reads up to p_qty messages from webhook_events (invisible for p_vt_seconds) and returns their '
  'events, oldest provider time first, with the correlation id of the delivery that stored each; '
  'archives messages whose event is gone or settled, and dead-letters (event failed, with the '
  'reason) a message delivered more than p_max_deliveries times since its last settle.';

-- Processors deployed before WEBHOOK_PROCESSOR_MAX_DELIVERIES keep working during a deploy.
create function private.claim_webhook_batch(p_qty integer, p_vt_seconds integer)
returns table (
  msg_id bigint,
  read_ct integer,
  webhook_event_id bigint,
  provider text,
  event_id text,
  event_type text,
  occurred_at timestamptz,
  payload jsonb,
  attempts integer,
  correlation_id text
)
language sql
security definer
set search_path = ''
as $$
  select * from private.claim_webhook_batch(p_qty, p_vt_seconds, 5)
$$;

comment on function private.claim_webhook_batch(integer, integer) is
  'claim_webhook_batch(p_qty, p_vt_seconds, 5): for processors that do not pass max deliveries.';

create or replace function private.enqueue_new_webhook_events()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  -- the delivery's correlation id (payments-webhook / messaging-webhook set it); none outside one
  v_correlation jsonb := jsonb_strip_nulls(jsonb_build_object(
    'correlation_id', nullif(current_setting('tallyq.correlation_id', true), '')));
begin
  -- One statement, however many rows: one batched send, one kick. ON CONFLICT DO NOTHING rows
  -- never reach the transition table, so a redelivered event enqueues nothing.
  if not exists (select 1 from new_webhook_events) then
    return null;
  end if;
  perform pgmq.send_batch(
    'webhook_events',
    (select array_agg(jsonb_build_object('webhook_event_id', n.id, 'provider', n.provider) || v_correlation
                      order by n.occurred_at, n.id)
     from new_webhook_events as n)
  );
  perform private.kick_function('webhook-processor', 'enqueue');
  return null;
end;
$$;

comment on function private.enqueue_new_webhook_events() is
  'after insert on webhook_events (per statement): enqueue each new row on webhook_events (with '
  'the delivery''s tallyq.correlation_id) and kick webhook-processor, in the inserting '
  'transaction - an event is never stored without its message.';

-- ============================================================================
-- grants
-- ============================================================================
revoke all on function private.queue_overdelivered_reason(integer, integer) from public, anon, authenticated;
revoke all on function private.dead_letter_overdelivered(text, jsonb[], integer) from public, anon, authenticated;
revoke all on function private.claim_receipt_batch(integer, integer, integer) from public, anon, authenticated;
revoke all on function private.claim_receipt_batch(integer, integer) from public, anon, authenticated;
revoke all on function private.claim_webhook_batch(integer, integer, integer) from public, anon, authenticated;
revoke all on function private.claim_webhook_batch(integer, integer) from public, anon, authenticated;
grant execute on function private.claim_receipt_batch(integer, integer, integer) to service_role;
grant execute on function private.claim_receipt_batch(integer, integer) to service_role;
grant execute on function private.claim_webhook_batch(integer, integer, integer) to service_role;
grant execute on function private.claim_webhook_batch(integer, integer) to service_role;
