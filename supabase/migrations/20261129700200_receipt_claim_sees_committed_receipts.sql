-- A message and its receipt commit together, yet the claim could archive the message as "receipt
-- gone": its one statement joined receipts under a snapshot taken before pgmq.read (a volatile
-- function) took its own, so a receipt committed between the two was not seen. The claim now reads
-- the batch in one statement and looks the receipts up in the next (a newer snapshot). Seen once
-- as a crash-loop e2e test waiting on a receipt whose message was gone. Otherwise unchanged from
-- 20261129200300. (The webhook claim already reads first, then joins.)
create or replace function private.claim_receipt_batch(p_qty integer, p_vt_seconds integer, p_max_deliveries integer)
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
  v_read pgmq.message_record[];
  v_claimed private.claimed_receipt_message[];
  v_dead bigint[];
begin
  -- Read first, look the receipts up in the next statement: a statement's snapshot is taken
  -- before pgmq.read's own, so a receipt committed in between (with its message) was invisible
  -- to a join in the same statement and its message was archived as "receipt gone".
  select coalesce(array_agg(m order by m.msg_id), '{}') into v_read
  from pgmq.read('receipt_ocr', p_vt_seconds, p_qty) as m;

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
  from unnest(v_read) as m
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
