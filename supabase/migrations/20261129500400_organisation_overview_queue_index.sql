-- The organisation overview under a backlog (issue 11): its queue figures looked up from its own
-- waiting receipts through an index on the queue message's receipt id, instead of probing every
-- queued message's receipt (scripts/sql/bench-org-operations.sql measures both). The same index
-- serves recover_stuck_receipts' "no message left" check and erasure's message deletes.

-- ============================================================================
-- indexes
-- ============================================================================
create index if not exists q_receipt_ocr_receipt_id_idx
  on pgmq.q_receipt_ocr (((message ->> 'receipt_id')::uuid));

-- ============================================================================
-- functions
-- ============================================================================
create or replace function public.organisation_operations_overview(
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
    -- the organisation's receipts waiting or being read, then their messages by the index below
    -- (re-derivations of read receipts are the operators' and not counted here)
    'queue', (
      select jsonb_build_object(
        'depth', count(*) filter (where q.vt <= v_now),
        'in_flight', count(*) filter (where q.vt > v_now),
        'oldest_age_seconds', coalesce(extract(epoch from v_now - min(q.enqueued_at))::integer, 0))
      from pgmq.q_receipt_ocr as q
      where (q.message ->> 'receipt_id')::uuid = any (array(
        select r.id from public.receipts as r
        where r.organisation_id = p_organisation_id and r.status in ('pending', 'processing')))),
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
