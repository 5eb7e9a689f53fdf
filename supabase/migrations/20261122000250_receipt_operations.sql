-- Operator actions on the receipt pipeline, in SQL (service role only):
-- replay dead letters, re-derive fields from stored artifacts, recover receipts stuck in flight.

-- ============================================================================
-- functions
-- ============================================================================
create function public.replay_dead_letters(p_receipt_ids uuid[] default null)
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
  select r.id, r.organisation_id, 'replayed', r.status, 'pending', jsonb_build_object('last_error', r.last_error)
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

comment on function public.replay_dead_letters(uuid[]) is
  'Moves dead-lettered receipts (all, or those in p_receipt_ids) that are still failed back to '
  'pending with a fresh attempt budget and re-enqueues them; their dead letters are archived '
  '(history in pgmq.a_receipt_ocr_dlq). Returns how many receipts were replayed.';

create function public.rederive_receipts(p_processor_version text, p_receipt_ids uuid[] default null)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_count integer;
begin
  with targets as (
    select r.id from public.receipts as r
    where r.status in ('ocr_done', 'needs_review')
      and r.artifact_path is not null
      and r.processor_version is distinct from p_processor_version
      and (p_receipt_ids is null or r.id = any (p_receipt_ids))
  )
  select count(*) into v_count
  from targets as t
  cross join lateral pgmq.send('receipt_ocr', jsonb_build_object('receipt_id', t.id, 'mode', 'rederive'));
  if v_count > 0 then
    perform private.kick_function('receipt-worker', 'rederive');
  end if;
  return v_count;
end;
$$;

comment on function public.rederive_receipts(text, uuid[]) is
  'Enqueues re-derivation of fields from the stored OCR artifact (no Textract call) for done '
  'receipts not yet processed by p_processor_version. Returns how many were enqueued.';

create function public.recover_stuck_receipts(p_older_than interval default '15 minutes')
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_ids uuid[];
begin
  -- Stuck: pending/processing for a while with no message left to carry it (e.g. a purged queue).
  select array_agg(r.id) into v_ids
  from public.receipts as r
  where r.status in ('pending', 'processing')
    and r.updated_at < now() - p_older_than
    and not exists (
      select 1 from pgmq.q_receipt_ocr as q where (q.message ->> 'receipt_id')::uuid = r.id
    );
  if v_ids is null then
    return 0;
  end if;

  insert into public.receipt_events (receipt_id, organisation_id, event_type, from_status, to_status)
  select r.id, r.organisation_id, 'recovered', r.status, 'pending'
  from public.receipts as r where r.id = any (v_ids);
  update public.receipts as r set status = 'pending' where r.id = any (v_ids);
  perform pgmq.send_batch('receipt_ocr', array(
    select jsonb_build_object('receipt_id', u.id) from unnest(v_ids) as u(id)));
  perform private.kick_function('receipt-worker', 'recover');
  return cardinality(v_ids);
end;
$$;

comment on function public.recover_stuck_receipts(interval) is
  'Re-enqueues receipts left pending/processing for longer than p_older_than without a queue '
  'message. (A crashed worker''s message reappears by itself when its visibility timeout ends.)';

-- ============================================================================
-- grants
-- ============================================================================
revoke all on function public.replay_dead_letters(uuid[]) from public, anon, authenticated;
revoke all on function public.rederive_receipts(text, uuid[]) from public, anon, authenticated;
revoke all on function public.recover_stuck_receipts(interval) from public, anon, authenticated;
grant execute on function public.replay_dead_letters(uuid[]) to service_role;
grant execute on function public.rederive_receipts(text, uuid[]) to service_role;
grant execute on function public.recover_stuck_receipts(interval) to service_role;
