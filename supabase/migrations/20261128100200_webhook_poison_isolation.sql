-- Webhook queue hardening (issue 10), as for receipts in 20261128100100: an event whose
-- projection cannot be stored fails alone, a message delivered more than max_deliveries times
-- without a settle is dead-lettered at claim. Redefines the processor API of 20261122000330
-- (called by webhook-processor as service_role).

-- ============================================================================
-- types
-- ============================================================================
-- deliveries: reads of the message since it was last settled (a retry settles it too).
alter type private.claimed_webhook_message add attribute deliveries integer;

-- ============================================================================
-- functions
-- ============================================================================
create function private.classify_webhook_outcomes(p_outcomes jsonb, p_max_attempts integer)
returns private.webhook_outcome[]
language plpgsql
stable
set search_path = ''
as $$
declare
  v_outcomes private.webhook_outcome[];
begin
  if exists (select 1 from jsonb_populate_recordset(null::private.webhook_outcome, p_outcomes) as o
             where o.outcome is null or o.outcome not in ('done', 'retry', 'fail')) then
    raise exception 'settle_webhook_batch: outcome must be done, retry or fail' using errcode = '22023';
  end if;
  -- A late outcome for an event that is gone or already settled (a redelivered message another
  -- run finished first) is stale: archive it, change nothing. Retries past the budget fail.
  -- Rows are rebuilt by field name, never by position.
  select coalesce(array_agg(case
    when e.id is null or e.status <> 'received'
      then jsonb_populate_record(o, '{"outcome": "stale", "projection": null}')
    when o.outcome = 'retry' and e.attempts + 1 >= p_max_attempts
      then jsonb_populate_record(o, jsonb_build_object(
        'outcome', 'fail', 'projection', null,
        'error', coalesce(o.error, 'retry') || ' (attempts exhausted)'))
    else o end), '{}')
  into v_outcomes
  from jsonb_populate_recordset(null::private.webhook_outcome, p_outcomes) as o
  left join public.webhook_events as e on e.id = o.webhook_event_id;
  return v_outcomes;
end;
$$;

comment on function private.classify_webhook_outcomes(jsonb, integer) is
  'The processor''s outcomes as settle applies them: stale, done, retry, or fail (including '
  'retries past the attempt budget). Raises 22023 on an unknown outcome.';

create function private.apply_webhook_outcomes(p_outcomes private.webhook_outcome[])
returns void
language plpgsql
set search_path = ''
as $$
begin
  -- ---- done: projections, newest provider time wins (several events for one object in one ----
  -- ---- batch collapse to the newest first: one upsert may not touch a row twice)          ----
  insert into public.payment_objects as p
    (provider, object_id, object_type, status, livemode, data, last_event_id, last_event_type, last_event_at)
  select distinct on (o.projection ->> 'object_id')
         e.provider, o.projection ->> 'object_id', o.projection ->> 'object_type',
         o.projection ->> 'status', (o.projection ->> 'livemode')::boolean, o.projection -> 'data',
         e.event_id, e.event_type, e.occurred_at
  from unnest(p_outcomes) as o join public.webhook_events as e on e.id = o.webhook_event_id
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
  from unnest(p_outcomes) as o join public.webhook_events as e on e.id = o.webhook_event_id
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
  from unnest(p_outcomes) as o
  where o.outcome = 'done' and e.id = o.webhook_event_id;

  -- ---- retry: transient failure, back off via the message's visibility timeout ----
  update public.webhook_events as e set attempts = e.attempts + 1, last_error = o.error
  from unnest(p_outcomes) as o
  where o.outcome = 'retry' and e.id = o.webhook_event_id;

  -- What pgmq.set_vt does, in one statement, plus the settle stamp the next claim reads.
  update pgmq.q_webhook_events as q set
    vt = clock_timestamp() + make_interval(secs => greatest(coalesce(o.delay_seconds, 0), 0)),
    message = q.message || jsonb_build_object('settled_read_ct', q.read_ct)
  from unnest(p_outcomes) as o
  where o.outcome = 'retry' and q.msg_id = o.msg_id;

  -- ---- fail: permanent error or attempts exhausted -> dead-letter queue, status failed ----
  perform pgmq.send_batch('webhook_events_dlq', array_agg(jsonb_build_object(
    'webhook_event_id', o.webhook_event_id, 'reason', o.error, 'source_msg_id', o.msg_id,
    'failed_at', clock_timestamp())))
  from unnest(p_outcomes) as o where o.outcome = 'fail'
  having count(*) > 0;

  update public.webhook_events as e set status = 'failed', attempts = e.attempts + 1, last_error = o.error
  from unnest(p_outcomes) as o
  where o.outcome = 'fail' and e.id = o.webhook_event_id;

  -- ---- archive everything that is finished with ----
  perform pgmq.archive('webhook_events', array(
    select o.msg_id from unnest(p_outcomes) as o where o.outcome in ('done', 'fail', 'stale')));
end;
$$;

comment on function private.apply_webhook_outcomes(private.webhook_outcome[]) is
  'Set-based body of settle_webhook_batch for classified outcomes: done, retry, fail, stale.';

create function private.settle_webhook_outcome_alone(p_outcome private.webhook_outcome)
returns private.webhook_outcome
language plpgsql
set search_path = ''
as $$
declare
  v_outcome private.webhook_outcome := p_outcome;
  v_state text;
  v_error text;
begin
  begin
    perform private.apply_webhook_outcomes(array[v_outcome]);
    return v_outcome;
  exception when others then
    get stacked diagnostics v_state = returned_sqlstate, v_error = message_text;
    -- errors about the session, not the row: fail the call, the messages come back
    if left(v_state, 2) in ('40', '53', '57', '08') or v_state = '55P03' then
      raise;
    end if;
  end;
  v_outcome := jsonb_populate_record(v_outcome, jsonb_build_object(
    'outcome', 'fail', 'projection', null,
    'error', format('Projection could not be stored (%s: %s)', v_state, v_error)));
  begin
    perform private.apply_webhook_outcomes(array[v_outcome]);
  exception when others then
    -- not even the failure can be written on the event: at least never deliver it again
    perform pgmq.send('webhook_events_dlq', jsonb_build_object(
      'webhook_event_id', v_outcome.webhook_event_id, 'reason', v_outcome.error,
      'source_msg_id', v_outcome.msg_id, 'failed_at', clock_timestamp()));
    perform pgmq.archive('webhook_events', v_outcome.msg_id);
  end;
  return v_outcome;
end;
$$;

comment on function private.settle_webhook_outcome_alone(private.webhook_outcome) is
  'Applies one outcome in its own savepoint; when its projection cannot be stored, dead-letters '
  'that event with the reason instead.';

create or replace function private.settle_webhook_batch(p_outcomes jsonb, p_max_attempts integer default 5)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_outcomes private.webhook_outcome[];
  v_counts jsonb;
begin
  v_outcomes := private.classify_webhook_outcomes(p_outcomes, p_max_attempts);
  begin
    perform private.apply_webhook_outcomes(v_outcomes);
  exception when others then
    -- one event's projection cannot be stored: row by row, so only that event fails
    for v_i in 1 .. coalesce(array_length(v_outcomes, 1), 0) loop
      v_outcomes[v_i] := private.settle_webhook_outcome_alone(v_outcomes[v_i]);
    end loop;
  end;

  select jsonb_object_agg(t.outcome, t.n) into v_counts
  from (select o.outcome, count(*) as n from unnest(v_outcomes) as o group by o.outcome) as t;
  return coalesce(v_counts, '{}');
end;
$$;

comment on function private.settle_webhook_batch(jsonb, integer) is
  'Applies a batch of processor outcomes in one transaction: done (order-safe projection upserts '
  'into payment_objects / message_statuses, processed, archive), retry (attempts+1, last_error, '
  'set_vt backoff), fail (dead-letter queue, failed, archive); a late outcome for an event that is '
  'already settled is stale. An event whose projection cannot be stored fails alone.';

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
  attempts integer
)
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_claimed private.claimed_webhook_message[];
  v_reason text := 'Delivered %s times without a settle (limit %s)';
begin
  select coalesce(array_agg(jsonb_populate_record(null::private.claimed_webhook_message, jsonb_build_object(
    'msg_id', m.msg_id,
    'read_ct', m.read_ct,
    'webhook_event_id', case when m.message ->> 'webhook_event_id' ~ '^[0-9]{1,18}$'
                             then (m.message ->> 'webhook_event_id')::bigint end,
    'deliveries', private.queue_deliveries_since_settle(m.message, m.read_ct)
  ))), '{}')
  into v_claimed
  from pgmq.read('webhook_events', p_vt_seconds, p_qty) as m;

  -- ---- delivered too often without a settle: dead-letter now, with the reason ----
  perform pgmq.send_batch('webhook_events_dlq', array_agg(jsonb_build_object(
    'webhook_event_id', c.webhook_event_id, 'source_msg_id', c.msg_id,
    'reason', format(v_reason, c.deliveries, p_max_deliveries), 'failed_at', clock_timestamp())))
  from unnest(v_claimed) as c
  join public.webhook_events as e on e.id = c.webhook_event_id
  where e.status = 'received' and c.deliveries > p_max_deliveries
  having count(*) > 0;

  update public.webhook_events as e set
    status = 'failed', attempts = e.attempts + 1,
    last_error = format(v_reason, c.deliveries, p_max_deliveries)
  from unnest(v_claimed) as c
  where e.id = c.webhook_event_id and e.status = 'received' and c.deliveries > p_max_deliveries;

  -- Nothing left to do: the event is gone, already settled, or was just dead-lettered.
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

comment on function private.claim_webhook_batch(integer, integer, integer) is
  'Reads up to p_qty messages from webhook_events (invisible for p_vt_seconds) and returns their '
  'events, oldest provider time first; archives messages whose event is gone or settled, and '
  'dead-letters (event failed, with the reason) a message delivered more than p_max_deliveries '
  'times since its last settle.';

-- Processors deployed before WEBHOOK_PROCESSOR_MAX_DELIVERIES keep working during a deploy.
create or replace function private.claim_webhook_batch(p_qty integer, p_vt_seconds integer)
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
language sql
security definer
set search_path = ''
as $$
  select * from private.claim_webhook_batch(p_qty, p_vt_seconds, 5)
$$;

comment on function private.claim_webhook_batch(integer, integer) is
  'claim_webhook_batch(p_qty, p_vt_seconds, 5): for processors that do not pass max deliveries.';

-- ============================================================================
-- grants
-- ============================================================================
revoke all on function private.classify_webhook_outcomes(jsonb, integer) from public, anon, authenticated;
revoke all on function private.apply_webhook_outcomes(private.webhook_outcome[]) from public, anon, authenticated;
revoke all on function private.settle_webhook_outcome_alone(private.webhook_outcome) from public, anon, authenticated;
revoke all on function private.claim_webhook_batch(integer, integer, integer) from public, anon, authenticated;
grant execute on function private.claim_webhook_batch(integer, integer, integer) to service_role;
