-- Operations for organisation admins (issue 11): their organisation's slice of the receipt
-- pipeline (queue, dead letters), the platform alerts a tenant may see, and a replay of their own
-- dead letters. Called by the ops function (GET /ops/organisations/<id>/overview, POST
-- …/dead-letters/replay) as the signed-in user, or as the service role for any organisation.

-- ============================================================================
-- tables
-- ============================================================================
-- Which alert rules describe the shared pipeline every tenant's receipts go through (shown to
-- organisation admins, rule description only: no other tenant's figures); the ledger and audit
-- rules stay the operators'.
alter table private.alert_rules add column if not exists tenant_visible boolean not null default false;
comment on column private.alert_rules.tenant_visible is
  'Shown (rule, severity, status, description, times) to organisation admins in their overview.';
update private.alert_rules set tenant_visible = true
where rule in ('queue_depth', 'dead_letters', 'receipts_processing_too_long');

-- ============================================================================
-- functions
-- ============================================================================
create function private._require_organisation_admin(p_organisation_id uuid)
returns void
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  if (select auth.jwt() ->> 'role') = 'service_role' then
    if not exists (select 1 from public.organisations as o where o.id = p_organisation_id) then
      raise exception 'Organisation not found' using errcode = 'no_data_found';
    end if;
    return;
  end if;
  -- a stranger learns nothing about the organisation; a member learns it needs an admin
  if not private.is_member(p_organisation_id) then
    raise exception 'Organisation not found' using errcode = 'no_data_found';
  end if;
  if not private.has_role(p_organisation_id, '{owner,admin}') then
    raise exception 'Only owners and admins of the organisation can see its operations'
      using errcode = 'insufficient_privilege';
  end if;
end;
$$;

comment on function private._require_organisation_admin(uuid) is
  'Passes for the service role and the organisation''s owners and admins; P0002 for strangers '
  '(existence not revealed), 42501 for other members.';

create function public.organisation_operations_overview(
  p_organisation_id uuid,
  p_dead_letter_limit integer default 100,
  p_alert_window interval default '7 days'
)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_now timestamptz := clock_timestamp();
begin
  perform private._require_organisation_admin(p_organisation_id);
  return jsonb_build_object(
    -- live messages only (archived ones left the queue table), so the join stays small
    'queue', (
      select jsonb_build_object(
        'depth', count(*) filter (where q.vt <= v_now),
        'in_flight', count(*) filter (where q.vt > v_now),
        'oldest_age_seconds', coalesce(extract(epoch from v_now - min(q.enqueued_at))::integer, 0))
      from pgmq.q_receipt_ocr as q
      join public.receipts as r on r.id = (q.message ->> 'receipt_id')::uuid
      where r.organisation_id = p_organisation_id),
    'dead_letters_total', (
      select count(*)
      from pgmq.q_receipt_ocr_dlq as d
      join public.receipts as r on r.id = (d.message ->> 'receipt_id')::uuid
      where r.organisation_id = p_organisation_id),
    'dead_letters', coalesce((
      select jsonb_agg(x.item order by x.failed_at desc, x.msg_id desc)
      from (
        select d.msg_id, coalesce((d.message ->> 'failed_at')::timestamptz, d.enqueued_at) as failed_at,
               jsonb_build_object(
                 'receipt_id', r.id, 'original_filename', r.original_filename,
                 'reason', coalesce(d.message ->> 'reason', r.last_error), 'attempts', r.attempts,
                 'status', r.status,
                 'failed_at', coalesce((d.message ->> 'failed_at')::timestamptz, d.enqueued_at)) as item
        from pgmq.q_receipt_ocr_dlq as d
        join public.receipts as r on r.id = (d.message ->> 'receipt_id')::uuid
        where r.organisation_id = p_organisation_id
        order by d.msg_id desc
        limit greatest(p_dead_letter_limit, 0)
      ) as x), '[]'),
    'alerts', coalesce((
      select jsonb_agg(jsonb_build_object(
               'rule', a.rule, 'severity', a.severity, 'status', a.status,
               'message', k.description || case when a.subject <> '' then format(' (%s)', a.subject) else '' end,
               'fired_at', a.fired_at, 'resolved_at', a.resolved_at)
             order by a.fired_at desc, a.id desc)
      from (
        select a.* from private.alerts as a
        join private.alert_rules as k on k.rule = a.rule and k.tenant_visible
        where a.status = 'firing' or a.fired_at > v_now - p_alert_window
        order by a.fired_at desc, a.id desc
        limit 20
      ) as a
      join private.alert_rules as k on k.rule = a.rule), '[]')
  );
end;
$$;

comment on function public.organisation_operations_overview(uuid, integer, interval) is
  'For the organisation''s owners and admins (or the service role): its receipts'' queue depth, '
  'in flight and oldest age; its dead letters (newest first, up to p_dead_letter_limit, with '
  'dead_letters_total); firing and recent tenant-visible alerts (description only).';

-- Who replayed is recorded on each replayed event (replayed_by; null for cron and operators'
-- service-role calls).
create or replace function public.replay_dead_letters(p_receipt_ids uuid[] default null)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_ids uuid[];
  v_msg_ids bigint[];
begin
  select array_agg(d.msg_id) into v_msg_ids
  from pgmq.q_receipt_ocr_dlq as d
  where p_receipt_ids is null or (d.message ->> 'receipt_id')::uuid = any (p_receipt_ids);
  if v_msg_ids is null then
    return 0;
  end if;
  -- Only receipts still failed come back; a dead letter whose receipt was since completed or
  -- erased is just archived.
  select array_agg(r.id) into v_ids
  from public.receipts as r
  where r.status = 'failed'
    and r.id in (select (d.message ->> 'receipt_id')::uuid
                 from pgmq.q_receipt_ocr_dlq as d where d.msg_id = any (v_msg_ids));
  perform pgmq.archive('receipt_ocr_dlq', v_msg_ids);
  if v_ids is null then
    return 0;
  end if;

  insert into public.receipt_events (receipt_id, organisation_id, event_type, from_status, to_status, metadata)
  select r.id, r.organisation_id, 'replayed', r.status, 'pending',
         jsonb_build_object('last_error', r.last_error, 'replayed_by', (select auth.uid()),
                            'replayed_by_role', coalesce((select auth.jwt() ->> 'role'), current_user))
  from public.receipts as r where r.id = any (v_ids);

  update public.receipts as r
  set status = 'pending', attempts = 0, last_error = null, textract_job_id = null
  where r.id = any (v_ids);

  perform pgmq.send_batch('receipt_ocr', array(
    select jsonb_build_object('receipt_id', u.id) from unnest(v_ids) as u(id)));
  perform private.kick_function('receipt-worker', 'replay');
  return cardinality(v_ids);
end;
$$;

create function public.replay_organisation_dead_letters(p_organisation_id uuid, p_receipt_ids uuid[])
returns uuid[]
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_named uuid[];
  v_failed uuid[];
begin
  perform private._require_organisation_admin(p_organisation_id);
  if p_receipt_ids is null or cardinality(p_receipt_ids) = 0 then
    return '{}'::uuid[];
  end if;
  -- Lock the organisation's named receipts first: a concurrent replay of the same ids waits,
  -- then (a new snapshot per statement) finds their dead letters archived: nothing runs twice.
  perform 1 from public.receipts as r
  where r.id = any (p_receipt_ids) and r.organisation_id = p_organisation_id
  order by r.id for update;
  select coalesce(array_agg(r.id order by r.id), '{}'),
         coalesce(array_agg(r.id order by r.id) filter (where r.status = 'failed'), '{}')
  into v_named, v_failed
  from public.receipts as r
  where r.id = any (p_receipt_ids) and r.organisation_id = p_organisation_id
    and r.id in (select (d.message ->> 'receipt_id')::uuid from pgmq.q_receipt_ocr_dlq as d);
  if cardinality(v_named) = 0 then
    return '{}'::uuid[];
  end if;
  -- (never null here: null would replay every dead letter)
  perform public.replay_dead_letters(v_named);
  return array(select r.id from public.receipts as r
               where r.id = any (v_failed) and r.status = 'pending' order by r.id);
end;
$$;

comment on function public.replay_organisation_dead_letters(uuid, uuid[]) is
  'For the organisation''s owners and admins (or the service role): replays the named receipts '
  'that are this organisation''s dead letters (others are ignored); returns the ids replayed. '
  'Each replayed event records replayed_by.';

-- ============================================================================
-- grants
-- ============================================================================
revoke all on function private._require_organisation_admin(uuid) from public, anon, authenticated;
revoke all on function public.organisation_operations_overview(uuid, integer, interval) from public, anon;
revoke all on function public.replay_organisation_dead_letters(uuid, uuid[]) from public, anon;
grant execute on function public.organisation_operations_overview(uuid, integer, interval)
  to authenticated, service_role;
grant execute on function public.replay_organisation_dead_letters(uuid, uuid[])
  to authenticated, service_role;
