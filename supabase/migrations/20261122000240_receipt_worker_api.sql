-- The receipt worker's database API: one call claims a batch, one call settles it, so a batch of
-- any size costs two round trips. Called by the receipt-worker function as service_role only.

-- ============================================================================
-- types
-- ============================================================================
create type private.claimed_receipt_message as (
  msg_id bigint, read_ct integer, mode text, receipt_id uuid, settled boolean
);

create type private.receipt_outcome as (
  msg_id bigint,
  receipt_id uuid,
  outcome text,           -- done | wait | retry | fail (stale: set by settle, see there)
  mode text,              -- ocr | rederive
  processor_version text,
  status text,            -- for done: ocr_done | needs_review
  fields jsonb,           -- vendor, address, date, time, currency, subtotal, tax, total, ...
  artifact jsonb,         -- {kind, storage_path, sha256, size_bytes}
  error text,
  delay_seconds integer,
  textract_job_id text
);

comment on type private.receipt_outcome is 'One element of the worker''s settle_receipt_batch payload.';

-- ============================================================================
-- functions
-- ============================================================================
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
  artifact_path text
)
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_claimed private.claimed_receipt_message[];
begin
  select coalesce(array_agg(row(
    m.msg_id, m.read_ct, coalesce(m.message ->> 'mode', 'ocr'), (m.message ->> 'receipt_id')::uuid,
    -- nothing left to do: the receipt is gone, or an OCR message for a settled receipt
    r.id is null or (coalesce(m.message ->> 'mode', 'ocr') = 'ocr'
                     and r.status in ('ocr_done', 'needs_review', 'failed'))
  )::private.claimed_receipt_message order by m.msg_id), '{}')
  into v_claimed
  from pgmq.read('receipt_ocr', p_vt_seconds, p_qty) as m
  -- lateral + limit 1: one index probe per message. A plain join lets the planner trust
  -- pgmq.read's default estimate of 1000 rows and hash-join a sequential scan of all receipts.
  left join lateral (
    select r.id, r.status from public.receipts as r
    where r.id = (m.message ->> 'receipt_id')::uuid
    limit 1
  ) as r on true;

  perform pgmq.archive('receipt_ocr', array(select c.msg_id from unnest(v_claimed) as c where c.settled));

  insert into public.receipt_events (receipt_id, organisation_id, event_type, from_status, to_status, attempt)
  select r.id, r.organisation_id, 'processing', r.status, 'processing', c.read_ct
  from unnest(v_claimed) as c join public.receipts as r on r.id = c.receipt_id
  where not c.settled and c.mode = 'ocr' and r.status = 'pending';

  update public.receipts as r set status = 'processing'
  from unnest(v_claimed) as c
  where r.id = c.receipt_id and not c.settled and c.mode = 'ocr' and r.status = 'pending';

  return query
  select c.msg_id, c.read_ct, c.mode, r.id, r.organisation_id, r.storage_path, r.sha256,
         r.content_type, r.attempts, r.textract_job_id, r.artifact_path
  from unnest(v_claimed) as c join public.receipts as r on r.id = c.receipt_id
  where not c.settled
  order by c.msg_id;
end;
$$;

comment on function private.claim_receipt_batch(integer, integer) is
  'Reads up to p_qty messages from receipt_ocr (invisible for p_vt_seconds), marks their receipts '
  'processing and returns what the worker needs; archives messages with nothing left to do.';

create function private.settle_receipt_batch(p_outcomes jsonb, p_max_attempts integer default 5)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_outcomes private.receipt_outcome[];
  v_retry record;
  v_counts jsonb;
begin
  -- A late retry/fail/wait for an OCR message whose receipt is already settled (a redelivered
  -- message that another worker settled first) or gone is stale: archive it, change nothing.
  -- A re-derivation that fails leaves the receipt's current result alone (stale too; running
  -- rederive_receipts again retries it). Retries past the attempt budget become failures.
  -- A changed outcome is the received one with fields replaced by name (jsonb_populate_record).
  select coalesce(array_agg(case
    when o.outcome in ('retry', 'fail', 'wait')
         and (r.id is null or o.mode = 'rederive'
              or r.status in ('ocr_done', 'needs_review', 'failed'))
      then jsonb_populate_record(o, jsonb_build_object('outcome', 'stale'))
    when o.outcome = 'retry' and r.attempts + 1 >= p_max_attempts
      then jsonb_populate_record(o, jsonb_build_object(
             'outcome', 'fail', 'error', o.error || ' (attempts exhausted)'))
    else o end), '{}')
  into v_outcomes
  from jsonb_populate_recordset(null::private.receipt_outcome, p_outcomes) as o
  left join public.receipts as r on r.id = o.receipt_id;

  -- ---- done: artifact (first writer wins), fields, one result event per processor_version ----
  insert into public.receipt_artifacts (receipt_id, kind, organisation_id, storage_path, sha256, size_bytes)
  select o.receipt_id, o.artifact ->> 'kind', r.organisation_id, o.artifact ->> 'storage_path',
         o.artifact ->> 'sha256', (o.artifact ->> 'size_bytes')::bigint
  from unnest(v_outcomes) as o join public.receipts as r on r.id = o.receipt_id
  where o.outcome = 'done' and o.artifact is not null
  on conflict (receipt_id, kind) do nothing;

  with applied as (
    update public.receipts as r set
      status = o.status::public.receipt_status,
      vendor = o.fields ->> 'vendor',
      vendor_address = o.fields ->> 'address',
      receipt_date = (o.fields ->> 'date')::date,
      receipt_time = (o.fields ->> 'time')::time,
      currency = o.fields ->> 'currency',
      subtotal = (o.fields ->> 'subtotal')::numeric,
      tax = (o.fields ->> 'tax')::numeric,
      total = (o.fields ->> 'total')::numeric,
      payment_method = o.fields ->> 'payment_method',
      -- (a malformed id is dropped, not allowed to fail the batch)
      vendor_tax_id = case when o.fields ->> 'tax_id' ~ '^[0-9A-Z]{6,24}$' then o.fields ->> 'tax_id' end,
      line_items = coalesce(o.fields -> 'line_items', '[]'),
      field_confidence = coalesce(o.fields -> 'confidence', '{}'),
      ocr_confidence = (o.fields ->> 'ocr_confidence')::numeric,
      artifact_path = coalesce(
        (select a.storage_path from public.receipt_artifacts as a
         where a.receipt_id = r.id and a.kind = o.artifact ->> 'kind'),
        r.artifact_path),
      processor_version = o.processor_version,
      last_error = null,
      processed_at = now()
    from unnest(v_outcomes) as o
    where o.outcome = 'done' and r.id = o.receipt_id
      -- idempotent: a result for this processor_version is written once
      and not (r.status in ('ocr_done', 'needs_review') and r.processor_version = o.processor_version)
    returning r.id, r.organisation_id, r.status, o.processor_version, o.mode
  )
  insert into public.receipt_events
    (receipt_id, organisation_id, event_type, from_status, to_status, processor_version, metadata)
  select a.id, a.organisation_id,
         case when a.mode = 'rederive' then 'rederived' else a.status::text end,
         'processing', a.status, a.processor_version, jsonb_build_object('mode', a.mode)
  from applied as a
  on conflict (receipt_id, processor_version) where event_type in ('ocr_done', 'needs_review')
  do nothing;

  -- ---- wait: an async Textract job is running; look again after delay_seconds ----
  -- (a wait without a job id - still in progress, or our own rate governor - keeps the job id)
  insert into public.receipt_events (receipt_id, organisation_id, event_type, from_status, to_status, metadata)
  select r.id, r.organisation_id, 'async_job_started', r.status, r.status,
         jsonb_build_object('textract_job_id', o.textract_job_id)
  from unnest(v_outcomes) as o join public.receipts as r on r.id = o.receipt_id
  where o.outcome = 'wait' and o.textract_job_id is not null
    and r.textract_job_id is distinct from o.textract_job_id;

  update public.receipts as r set textract_job_id = o.textract_job_id
  from unnest(v_outcomes) as o
  where o.outcome = 'wait' and r.id = o.receipt_id and o.textract_job_id is not null
    and r.textract_job_id is distinct from o.textract_job_id;

  -- ---- retry: transient failure, back off via the message's visibility timeout ----
  with retried as (
    update public.receipts as r set
      status = 'pending', attempts = r.attempts + 1, last_error = o.error
    from unnest(v_outcomes) as o
    where o.outcome = 'retry' and r.id = o.receipt_id
    returning r.id, r.organisation_id, r.attempts, o.error, o.delay_seconds
  )
  insert into public.receipt_events
    (receipt_id, organisation_id, event_type, from_status, to_status, attempt, metadata)
  select t.id, t.organisation_id, 'retry_scheduled', 'processing', 'pending', t.attempts,
         jsonb_build_object('error', t.error, 'delay_seconds', t.delay_seconds)
  from retried as t;

  for v_retry in select o.msg_id, o.delay_seconds from unnest(v_outcomes) as o where o.outcome in ('retry', 'wait')
  loop
    perform pgmq.set_vt('receipt_ocr', v_retry.msg_id, greatest(v_retry.delay_seconds, 0));
  end loop;

  -- ---- fail: permanent error or attempts exhausted -> dead-letter queue, status failed ----
  perform pgmq.send_batch('receipt_ocr_dlq', array_agg(jsonb_build_object(
    'receipt_id', o.receipt_id, 'reason', o.error, 'source_msg_id', o.msg_id,
    'failed_at', clock_timestamp())))
  from unnest(v_outcomes) as o where o.outcome = 'fail'
  having count(*) > 0;

  with failed as (
    update public.receipts as r set
      status = 'failed', attempts = r.attempts + 1, last_error = o.error
    from unnest(v_outcomes) as o
    where o.outcome = 'fail' and r.id = o.receipt_id
    returning r.id, r.organisation_id, r.attempts, o.error
  )
  insert into public.receipt_events
    (receipt_id, organisation_id, event_type, from_status, to_status, attempt, metadata)
  select f.id, f.organisation_id, 'dead_lettered', 'processing', 'failed', f.attempts,
         jsonb_build_object('reason', f.error)
  from failed as f;

  -- ---- archive everything that is finished with ----
  perform pgmq.archive('receipt_ocr', array(
    select o.msg_id from unnest(v_outcomes) as o where o.outcome in ('done', 'fail', 'stale')));

  select jsonb_object_agg(t.outcome, t.n) into v_counts
  from (select o.outcome, count(*) as n from unnest(v_outcomes) as o group by o.outcome) as t;
  return coalesce(v_counts, '{}');
end;
$$;

comment on function private.settle_receipt_batch(jsonb, integer) is
  'Applies a batch of worker outcomes in one transaction: done (fields + artifact + event, '
  'idempotent per processor_version, archive), wait (async job; set_vt), retry (attempts+1, '
  'last_error, set_vt backoff), fail (dead-letter queue, failed, archive); a late retry/fail/wait '
  'for an already settled receipt is stale (archived, nothing else).';

-- ============================================================================
-- grants
-- ============================================================================
revoke all on function private.claim_receipt_batch(integer, integer) from public, anon, authenticated;
revoke all on function private.settle_receipt_batch(jsonb, integer) from public, anon, authenticated;
grant execute on function private.claim_receipt_batch(integer, integer) to service_role;
grant execute on function private.settle_receipt_batch(jsonb, integer) to service_role;
