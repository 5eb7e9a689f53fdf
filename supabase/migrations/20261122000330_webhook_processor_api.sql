-- The webhook processor's database API: one call claims a batch of queued events, one call
-- settles it (projections, statuses, archive / retry / dead-letter), so a batch of any size costs
-- two round trips. Called by the webhook-processor function as service_role only.

-- ============================================================================
-- types
-- ============================================================================
create type private.claimed_webhook_message as (
  msg_id bigint, read_ct integer, webhook_event_id bigint
);

create type private.webhook_outcome as (
  msg_id bigint,
  webhook_event_id bigint,
  outcome text,           -- done | retry | fail (stale: set by settle, see there)
  projection jsonb,       -- for done: {kind: payment_object | message_status, ...} or null
  error text,
  delay_seconds integer
);

comment on type private.webhook_outcome is 'One element of the processor''s settle_webhook_batch payload.';

-- ============================================================================
-- functions
-- ============================================================================
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
  attempts integer
)
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_claimed private.claimed_webhook_message[];
begin
  select coalesce(array_agg(row(m.msg_id, m.read_ct, (m.message ->> 'webhook_event_id')::bigint)
                            ::private.claimed_webhook_message), '{}')
  into v_claimed
  from pgmq.read('webhook_events', p_vt_seconds, p_qty) as m;

  -- Nothing left to do: the event is gone, or another run already settled it.
  perform pgmq.archive('webhook_events', array(
    select c.msg_id from unnest(v_claimed) as c
    left join public.webhook_events as e on e.id = c.webhook_event_id
    where e.id is null or e.status <> 'received'));

  return query
  select c.msg_id, c.read_ct, e.id, e.provider, e.event_id, e.event_type, e.occurred_at,
         e.payload, e.attempts
  from unnest(v_claimed) as c
  join public.webhook_events as e on e.id = c.webhook_event_id
  where e.status = 'received'
  order by e.occurred_at, e.id;
end;
$$;

comment on function private.claim_webhook_batch(integer, integer) is
  'Reads up to p_qty messages from webhook_events (invisible for p_vt_seconds) and returns their '
  'events, oldest provider time first; archives messages whose event is gone or already settled.';

create function private.settle_webhook_batch(p_outcomes jsonb, p_max_attempts integer default 5)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_outcomes private.webhook_outcome[];
  v_retry record;
  v_counts jsonb;
begin
  if exists (select 1 from jsonb_populate_recordset(null::private.webhook_outcome, p_outcomes) as o
             where o.outcome is null or o.outcome not in ('done', 'retry', 'fail')) then
    raise exception 'settle_webhook_batch: outcome must be done, retry or fail' using errcode = '22023';
  end if;

  -- A late outcome for an event that is gone or already settled (a redelivered message another
  -- run finished first) is stale: archive it, change nothing. Retries past the budget fail.
  -- A changed outcome is the received one with fields replaced by name (jsonb_populate_record).
  select coalesce(array_agg(case
    when e.id is null or e.status <> 'received'
      then jsonb_populate_record(o, jsonb_build_object('outcome', 'stale', 'projection', null))
    when o.outcome = 'retry' and e.attempts + 1 >= p_max_attempts
      then jsonb_populate_record(o, jsonb_build_object(
             'outcome', 'fail', 'projection', null,
             'error', coalesce(o.error, 'retry') || ' (attempts exhausted)'))
    else o end), '{}')
  into v_outcomes
  from jsonb_populate_recordset(null::private.webhook_outcome, p_outcomes) as o
  left join public.webhook_events as e on e.id = o.webhook_event_id;

  -- ---- done: projections, newest provider time wins (several events for one object in one ----
  -- ---- batch collapse to the newest first: one upsert may not touch a row twice)          ----
  insert into public.payment_objects as p
    (provider, object_id, object_type, status, livemode, data, last_event_id, last_event_type, last_event_at)
  select distinct on (o.projection ->> 'object_id')
         e.provider, o.projection ->> 'object_id', o.projection ->> 'object_type',
         o.projection ->> 'status', (o.projection ->> 'livemode')::boolean, o.projection -> 'data',
         e.event_id, e.event_type, e.occurred_at
  from unnest(v_outcomes) as o join public.webhook_events as e on e.id = o.webhook_event_id
  where o.outcome = 'done' and o.projection ->> 'kind' = 'payment_object' and e.provider = 'stripe'
  order by o.projection ->> 'object_id', e.occurred_at desc, e.id desc
  on conflict (provider, object_id) do update set
    object_type = excluded.object_type,
    status = excluded.status,
    livemode = excluded.livemode,
    data = excluded.data,
    last_event_id = excluded.last_event_id,
    last_event_type = excluded.last_event_type,
    last_event_at = excluded.last_event_at
  where excluded.last_event_at >= p.last_event_at;

  insert into public.message_statuses as m
    (provider, message_id, recipient_id, status, status_at, last_event_id, errors)
  select distinct on (o.projection ->> 'message_id')
         e.provider, o.projection ->> 'message_id', o.projection ->> 'recipient_id',
         o.projection ->> 'status', e.occurred_at, e.event_id, o.projection -> 'errors'
  from unnest(v_outcomes) as o join public.webhook_events as e on e.id = o.webhook_event_id
  where o.outcome = 'done' and o.projection ->> 'kind' = 'message_status' and e.provider = 'whatsapp'
    and private.message_status_rank(o.projection ->> 'status') is not null
  order by o.projection ->> 'message_id', private.message_status_rank(o.projection ->> 'status') desc,
           e.occurred_at desc
  on conflict (provider, message_id) do update set
    recipient_id = coalesce(excluded.recipient_id, m.recipient_id),
    status = excluded.status,
    status_at = excluded.status_at,
    last_event_id = excluded.last_event_id,
    errors = coalesce(excluded.errors, m.errors)
  where private.message_status_rank(excluded.status) > private.message_status_rank(m.status);

  update public.webhook_events as e set status = 'processed', processed_at = now(), last_error = null
  from unnest(v_outcomes) as o
  where o.outcome = 'done' and e.id = o.webhook_event_id;

  -- ---- retry: transient failure, back off via the message's visibility timeout ----
  update public.webhook_events as e set attempts = e.attempts + 1, last_error = o.error
  from unnest(v_outcomes) as o
  where o.outcome = 'retry' and e.id = o.webhook_event_id;

  for v_retry in select o.msg_id, o.delay_seconds from unnest(v_outcomes) as o where o.outcome = 'retry'
  loop
    perform pgmq.set_vt('webhook_events', v_retry.msg_id, greatest(coalesce(v_retry.delay_seconds, 0), 0));
  end loop;

  -- ---- fail: permanent error or attempts exhausted -> dead-letter queue, status failed ----
  perform pgmq.send_batch('webhook_events_dlq', array_agg(jsonb_build_object(
    'webhook_event_id', o.webhook_event_id, 'reason', o.error, 'source_msg_id', o.msg_id,
    'failed_at', clock_timestamp())))
  from unnest(v_outcomes) as o where o.outcome = 'fail'
  having count(*) > 0;

  update public.webhook_events as e set status = 'failed', attempts = e.attempts + 1, last_error = o.error
  from unnest(v_outcomes) as o
  where o.outcome = 'fail' and e.id = o.webhook_event_id;

  -- ---- archive everything that is finished with ----
  perform pgmq.archive('webhook_events', array(
    select o.msg_id from unnest(v_outcomes) as o where o.outcome in ('done', 'fail', 'stale')));

  select jsonb_object_agg(t.outcome, t.n) into v_counts
  from (select o.outcome, count(*) as n from unnest(v_outcomes) as o group by o.outcome) as t;
  return coalesce(v_counts, '{}');
end;
$$;

comment on function private.settle_webhook_batch(jsonb, integer) is
  'Applies a batch of processor outcomes in one transaction: done (order-safe projection upserts '
  'into payment_objects / message_statuses, processed, archive), retry (attempts+1, last_error, '
  'set_vt backoff), fail (dead-letter queue, failed, archive); a late outcome for an event that is '
  'already settled is stale (archived, nothing else).';

-- ============================================================================
-- grants
-- ============================================================================
revoke all on function private.claim_webhook_batch(integer, integer) from public, anon, authenticated;
revoke all on function private.settle_webhook_batch(jsonb, integer) from public, anon, authenticated;
grant execute on function private.claim_webhook_batch(integer, integer) to service_role;
grant execute on function private.settle_webhook_batch(jsonb, integer) to service_role;
