-- Receipt queue hardening (issue 10): a result the database cannot hold fails its own receipt
-- only, a message delivered too often without a settle is dead-lettered at claim, refunds are
-- negative amounts, and results only move forward by processor_version.
-- Redefines the worker API of 20261122000240 (called by receipt-worker as service_role).

-- ============================================================================
-- tables
-- ============================================================================
-- A refund slip or credit note is a receipt with negative amounts (money back to the payer), so
-- sum(total) nets sales and refunds. What stays impossible is a receipt that disagrees with itself.
alter table public.receipts drop constraint money_is_non_negative;
alter table public.receipts add constraint money_signs_agree check (
  (coalesce(total, 0) >= 0 and coalesce(subtotal, 0) >= 0 and coalesce(tax, 0) >= 0)
  or (coalesce(total, 0) <= 0 and coalesce(subtotal, 0) <= 0 and coalesce(tax, 0) <= 0)
);

comment on column public.receipts.total is
  'Signed: positive for a sale, negative for a refund slip or credit note (money back to the '
  'payer). subtotal, tax and total of one receipt never disagree in sign (money_signs_agree).';

-- ============================================================================
-- types
-- ============================================================================
-- deliveries: reads of the message since it was last settled (retry and wait settle it too).
alter type private.claimed_receipt_message add attribute deliveries integer;

-- ============================================================================
-- functions
-- ============================================================================
create function private.uuid_or_null(p_text text)
returns uuid
language sql
immutable
set search_path = ''
as $$
  select case when p_text ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
              then p_text::uuid end
$$;

comment on function private.uuid_or_null(text) is
  'p_text as a uuid, or null when it is not one: a malformed queue message must not fail a claim.';

create function private.processor_version_key(p_version text)
returns numeric[]
language sql
immutable
set search_path = ''
as $$
  select coalesce(array(select m[1]::numeric from regexp_matches(p_version, '([0-9]+)', 'g') as m), '{}')
$$;

comment on function private.processor_version_key(text) is
  'Orders processor versions by their numbers (tallyq-parse@2 < tallyq-parse@10; no version < '
  'any). Results only move forward along this order.';

create function private.queue_deliveries_since_settle(p_message jsonb, p_read_ct integer)
returns integer
language sql
immutable
set search_path = ''
as $$
  select p_read_ct - coalesce((p_message ->> 'settled_read_ct')::integer, 0)
$$;

comment on function private.queue_deliveries_since_settle(jsonb, integer) is
  'Deliveries of a queue message since its last settle: read_ct minus the settled_read_ct that a '
  'retry/wait settle stamps on the message.';

create function private.confidence_ratios(p_confidence jsonb)
returns jsonb
language sql
immutable
set search_path = ''
as $$
  select coalesce(jsonb_object_agg(e.key, e.value), '{}')
  from jsonb_each(case when jsonb_typeof(p_confidence) = 'object' then p_confidence else '{}' end) as e
  where case when jsonb_typeof(e.value) = 'number' then e.value::numeric between 0 and 1 else false end
$$;

comment on function private.confidence_ratios(jsonb) is
  'The numeric 0..1 entries of a field-confidence object. Other receipts'' statements read these '
  '(the vendor directory casts them), so one malformed value must never be stored.';

create function private.classify_receipt_outcomes(p_outcomes jsonb, p_max_attempts integer)
returns private.receipt_outcome[]
language sql
stable
set search_path = ''
as $$
  -- Outcome rows are rebuilt by field name (jsonb_populate_record over the original), never by
  -- position, so a field added to private.receipt_outcome cannot shift the others.
  select coalesce(array_agg(case
    -- the receipt is gone; or a late retry/fail/wait for one already settled (a redelivered
    -- message another worker finished); or a failed re-derivation (the result stays): stale
    when r.id is null
         or (o.outcome in ('retry', 'fail', 'wait')
             and (o.mode = 'rederive' or r.status in ('ocr_done', 'needs_review', 'failed')))
      then jsonb_populate_record(o, '{"outcome": "stale"}')
    -- results only move forward: an older (draining worker) or equal (duplicate) version's
    -- result never overwrites the one stored
    when o.outcome = 'done' and r.status in ('ocr_done', 'needs_review')
         and private.processor_version_key(o.processor_version)
             <= private.processor_version_key(r.processor_version)
      then jsonb_populate_record(o, '{"outcome": "stale"}')
    when o.outcome = 'retry' and r.attempts + 1 >= p_max_attempts
      then jsonb_populate_record(o, jsonb_build_object(
        'outcome', 'fail', 'error', coalesce(o.error, 'retry') || ' (attempts exhausted)'))
    else o end order by o.msg_id), '{}')
  from jsonb_populate_recordset(null::private.receipt_outcome, p_outcomes) as o
  left join public.receipts as r on r.id = o.receipt_id
$$;

comment on function private.classify_receipt_outcomes(jsonb, integer) is
  'The worker''s outcomes as settle applies them: stale (nothing to change), done, wait, retry, '
  'or fail (including retries past the attempt budget).';

create function private.apply_receipt_outcomes(p_outcomes private.receipt_outcome[])
returns void
language plpgsql
set search_path = ''
as $$
begin
  -- ---- done: artifact (first writer wins), fields, one result event per processor_version ----
  insert into public.receipt_artifacts (receipt_id, kind, organisation_id, storage_path, sha256, size_bytes)
  select o.receipt_id, o.artifact ->> 'kind', r.organisation_id, o.artifact ->> 'storage_path',
         o.artifact ->> 'sha256', (o.artifact ->> 'size_bytes')::bigint
  from unnest(p_outcomes) as o join public.receipts as r on r.id = o.receipt_id
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
      field_confidence = private.confidence_ratios(o.fields -> 'confidence'),
      ocr_confidence = (o.fields ->> 'ocr_confidence')::numeric,
      artifact_path = coalesce(
        (select a.storage_path from public.receipt_artifacts as a
         where a.receipt_id = r.id and a.kind = o.artifact ->> 'kind'),
        r.artifact_path),
      processor_version = o.processor_version,
      last_error = null,
      processed_at = now()
    from unnest(p_outcomes) as o
    where o.outcome = 'done' and r.id = o.receipt_id
    returning r.id, r.organisation_id, r.status, o.processor_version, o.mode,
              o.fields -> 'dropped' as dropped
  )
  insert into public.receipt_events
    (receipt_id, organisation_id, event_type, from_status, to_status, processor_version, metadata)
  select a.id, a.organisation_id,
         case when a.mode = 'rederive' then 'rederived' else a.status::text end,
         'processing', a.status, a.processor_version,
         -- fields the worker read but dropped because their column cannot hold them
         jsonb_build_object('mode', a.mode) || case
           when jsonb_typeof(a.dropped) = 'array' and jsonb_array_length(a.dropped) > 0
             then jsonb_build_object('dropped', a.dropped) else '{}' end
  from applied as a
  on conflict (receipt_id, processor_version) where event_type in ('ocr_done', 'needs_review')
  do nothing;

  -- ---- wait: an async Textract job is running; look again after delay_seconds ----
  -- (a wait without a job id - still in progress, or our own rate governor - keeps the job id)
  insert into public.receipt_events (receipt_id, organisation_id, event_type, from_status, to_status, metadata)
  select r.id, r.organisation_id, 'async_job_started', r.status, r.status,
         jsonb_build_object('textract_job_id', o.textract_job_id)
  from unnest(p_outcomes) as o join public.receipts as r on r.id = o.receipt_id
  where o.outcome = 'wait' and o.textract_job_id is not null
    and r.textract_job_id is distinct from o.textract_job_id;

  update public.receipts as r set textract_job_id = o.textract_job_id
  from unnest(p_outcomes) as o
  where o.outcome = 'wait' and r.id = o.receipt_id and o.textract_job_id is not null
    and r.textract_job_id is distinct from o.textract_job_id;

  -- ---- retry: transient failure, back off via the message's visibility timeout ----
  with retried as (
    update public.receipts as r set
      status = 'pending', attempts = r.attempts + 1, last_error = o.error
    from unnest(p_outcomes) as o
    where o.outcome = 'retry' and r.id = o.receipt_id
    returning r.id, r.organisation_id, r.attempts, o.error, o.delay_seconds
  )
  insert into public.receipt_events
    (receipt_id, organisation_id, event_type, from_status, to_status, attempt, metadata)
  select t.id, t.organisation_id, 'retry_scheduled', 'processing', 'pending', t.attempts,
         jsonb_build_object('error', t.error, 'delay_seconds', t.delay_seconds)
  from retried as t;

  -- What pgmq.set_vt does, for the whole batch in one statement, plus the settle stamp that
  -- tells the next claim this delivery was settled (see private.queue_deliveries_since_settle).
  update pgmq.q_receipt_ocr as q set
    vt = clock_timestamp() + make_interval(secs => greatest(coalesce(o.delay_seconds, 0), 0)),
    message = q.message || jsonb_build_object('settled_read_ct', q.read_ct)
  from unnest(p_outcomes) as o
  where o.outcome in ('retry', 'wait') and q.msg_id = o.msg_id;

  -- ---- fail: permanent error or attempts exhausted -> dead-letter queue, status failed ----
  perform pgmq.send_batch('receipt_ocr_dlq', array_agg(jsonb_build_object(
    'receipt_id', o.receipt_id, 'reason', o.error, 'source_msg_id', o.msg_id,
    'failed_at', clock_timestamp())))
  from unnest(p_outcomes) as o where o.outcome = 'fail'
  having count(*) > 0;

  with failed as (
    update public.receipts as r set
      status = 'failed', attempts = r.attempts + 1, last_error = o.error
    from unnest(p_outcomes) as o
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
    select o.msg_id from unnest(p_outcomes) as o where o.outcome in ('done', 'fail', 'stale')));
end;
$$;

comment on function private.apply_receipt_outcomes(private.receipt_outcome[]) is
  'Set-based body of settle_receipt_batch for classified outcomes: done, wait, retry, fail, stale.';

create function private.settle_receipt_outcome_alone(p_outcome private.receipt_outcome)
returns private.receipt_outcome
language plpgsql
set search_path = ''
as $$
declare
  v_outcome private.receipt_outcome := p_outcome;
  v_state text;
  v_error text;
begin
  begin
    perform private.apply_receipt_outcomes(array[v_outcome]);
    return v_outcome;
  exception when others then
    get stacked diagnostics v_state = returned_sqlstate, v_error = message_text;
    -- Lock waits, deadlocks, cancels and lost connections say nothing about the row: fail the
    -- call, and the batch's messages come back after their visibility timeout.
    if left(v_state, 2) in ('40', '53', '57', '08') or v_state = '55P03' then
      raise;
    end if;
  end;
  -- The row cannot be stored: dead-letter it with the reason (a re-derivation keeps the result
  -- it has). Built by field name, see classify_receipt_outcomes.
  v_outcome := jsonb_populate_record(v_outcome, jsonb_build_object(
    'outcome', case when v_outcome.mode = 'rederive' then 'stale' else 'fail' end,
    'error', format('Result could not be stored (%s: %s)', v_state, v_error)));
  begin
    perform private.apply_receipt_outcomes(array[v_outcome]);
  exception when others then
    -- Not even the failure can be written on the receipt: at least never deliver it again.
    perform pgmq.send('receipt_ocr_dlq', jsonb_build_object(
      'receipt_id', v_outcome.receipt_id, 'reason', v_outcome.error, 'source_msg_id', v_outcome.msg_id,
      'failed_at', clock_timestamp()));
    perform pgmq.archive('receipt_ocr', v_outcome.msg_id);
  end;
  return v_outcome;
end;
$$;

comment on function private.settle_receipt_outcome_alone(private.receipt_outcome) is
  'Applies one outcome in its own savepoint; when its row cannot be stored, dead-letters that '
  'receipt with the reason instead (re-raising errors that are about the session, not the row).';

create or replace function private.settle_receipt_batch(p_outcomes jsonb, p_max_attempts integer default 5)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_outcomes private.receipt_outcome[];
  v_counts jsonb;
begin
  v_outcomes := private.classify_receipt_outcomes(p_outcomes, p_max_attempts);
  begin
    -- The whole batch in a few set-based statements...
    perform private.apply_receipt_outcomes(v_outcomes);
  exception when others then
    -- ...unless a row cannot be stored: then row by row, so only that receipt fails.
    for v_i in 1 .. coalesce(array_length(v_outcomes, 1), 0) loop
      v_outcomes[v_i] := private.settle_receipt_outcome_alone(v_outcomes[v_i]);
    end loop;
  end;

  select jsonb_object_agg(t.outcome, t.n) into v_counts
  from (select o.outcome, count(*) as n from unnest(v_outcomes) as o group by o.outcome) as t;
  return coalesce(v_counts, '{}');
end;
$$;

comment on function private.settle_receipt_batch(jsonb, integer) is
  'Applies a batch of worker outcomes in one transaction: done (fields + artifact + event, only '
  'forward by processor_version, archive), wait (async job; set_vt), retry (attempts+1, '
  'last_error, set_vt backoff), fail (dead-letter queue, failed, archive); a late outcome for a '
  'settled receipt is stale (archived, nothing else). A row that cannot be stored is '
  'dead-lettered alone; its batch-mates settle.';

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
  artifact_path text
)
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_claimed private.claimed_receipt_message[];
begin
  select coalesce(array_agg(jsonb_populate_record(null::private.claimed_receipt_message, jsonb_build_object(
    'msg_id', m.msg_id,
    'read_ct', m.read_ct,
    'mode', coalesce(m.message ->> 'mode', 'ocr'),
    'receipt_id', r.id,
    -- nothing left to do: the receipt is gone, or an OCR message for a settled receipt
    'settled', r.id is null or (coalesce(m.message ->> 'mode', 'ocr') = 'ocr'
                                and r.status in ('ocr_done', 'needs_review', 'failed')),
    'deliveries', private.queue_deliveries_since_settle(m.message, m.read_ct)
  )) order by m.msg_id), '{}')
  into v_claimed
  from pgmq.read('receipt_ocr', p_vt_seconds, p_qty) as m
  -- lateral + limit 1: one index probe per message. A plain join lets the planner trust
  -- pgmq.read's default estimate of 1000 rows and hash-join a sequential scan of all receipts.
  left join lateral (
    select r.id, r.status from public.receipts as r
    where r.id = private.uuid_or_null(m.message ->> 'receipt_id')
    limit 1
  ) as r on true;

  -- ---- delivered more than p_max_deliveries times without a settle (a crash loop, an ----
  -- ---- exception before settle, out of memory): dead-letter now, never OCR it again  ----
  perform pgmq.send_batch('receipt_ocr_dlq', array_agg(jsonb_build_object(
    'receipt_id', c.receipt_id, 'mode', c.mode, 'source_msg_id', c.msg_id,
    'reason', format('Delivered %s times without a settle (limit %s)', c.deliveries, p_max_deliveries),
    'failed_at', clock_timestamp())))
  from unnest(v_claimed) as c
  where not c.settled and c.deliveries > p_max_deliveries
  having count(*) > 0;

  with failed as (
    update public.receipts as r set
      status = 'failed', attempts = r.attempts + 1,
      last_error = format('Delivered %s times without a settle (limit %s)', c.deliveries, p_max_deliveries)
    from unnest(v_claimed) as c
    where r.id = c.receipt_id and not c.settled and c.mode = 'ocr' and c.deliveries > p_max_deliveries
    returning r.id, r.organisation_id, r.attempts, r.last_error
  )
  insert into public.receipt_events
    (receipt_id, organisation_id, event_type, from_status, to_status, attempt, metadata)
  select f.id, f.organisation_id, 'dead_lettered', 'processing', 'failed', f.attempts,
         jsonb_build_object('reason', f.last_error)
  from failed as f;

  perform pgmq.archive('receipt_ocr', array(
    select c.msg_id from unnest(v_claimed) as c
    where c.settled or c.deliveries > p_max_deliveries));

  -- ---- the rest is work: mark processing and hand it to the worker ----
  insert into public.receipt_events (receipt_id, organisation_id, event_type, from_status, to_status, attempt)
  select r.id, r.organisation_id, 'processing', r.status, 'processing', c.read_ct
  from unnest(v_claimed) as c join public.receipts as r on r.id = c.receipt_id
  where not c.settled and c.deliveries <= p_max_deliveries and c.mode = 'ocr' and r.status = 'pending';

  update public.receipts as r set status = 'processing'
  from unnest(v_claimed) as c
  where r.id = c.receipt_id and not c.settled and c.deliveries <= p_max_deliveries
    and c.mode = 'ocr' and r.status = 'pending';

  return query
  select c.msg_id, c.read_ct, c.mode, r.id, r.organisation_id, r.storage_path, r.sha256,
         r.content_type, r.attempts, r.textract_job_id, r.artifact_path
  from unnest(v_claimed) as c join public.receipts as r on r.id = c.receipt_id
  where not c.settled and c.deliveries <= p_max_deliveries
  order by c.msg_id;
end;
$$;

comment on function private.claim_receipt_batch(integer, integer, integer) is
  'Reads up to p_qty messages from receipt_ocr (invisible for p_vt_seconds), marks their receipts '
  'processing and returns what the worker needs; archives messages with nothing left to do, and '
  'dead-letters (receipt failed, with the reason) a message delivered more than p_max_deliveries '
  'times since its last settle.';

-- Workers deployed before WORKER_MAX_DELIVERIES keep working during a deploy (default 5).
create or replace function private.claim_receipt_batch(p_qty integer, p_vt_seconds integer)
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
language sql
security definer
set search_path = ''
as $$
  select * from private.claim_receipt_batch(p_qty, p_vt_seconds, 5)
$$;

comment on function private.claim_receipt_batch(integer, integer) is
  'claim_receipt_batch(p_qty, p_vt_seconds, 5): for workers that do not pass WORKER_MAX_DELIVERIES.';

create or replace function public.rederive_receipts(p_processor_version text, p_receipt_ids uuid[] default null)
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
      -- only forward: a receipt already at this version or a newer one keeps its result
      and private.processor_version_key(r.processor_version)
          < private.processor_version_key(p_processor_version)
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
  'receipts processed by a version older than p_processor_version. Returns how many were enqueued.';

-- ============================================================================
-- grants
-- ============================================================================
revoke all on function private.uuid_or_null(text) from public, anon, authenticated;
revoke all on function private.processor_version_key(text) from public, anon, authenticated;
revoke all on function private.queue_deliveries_since_settle(jsonb, integer) from public, anon, authenticated;
revoke all on function private.classify_receipt_outcomes(jsonb, integer) from public, anon, authenticated;
revoke all on function private.apply_receipt_outcomes(private.receipt_outcome[]) from public, anon, authenticated;
revoke all on function private.settle_receipt_outcome_alone(private.receipt_outcome) from public, anon, authenticated;
revoke all on function private.confidence_ratios(jsonb) from public, anon, authenticated;
revoke all on function private.claim_receipt_batch(integer, integer, integer) from public, anon, authenticated;
grant execute on function private.claim_receipt_batch(integer, integer, integer) to service_role;
