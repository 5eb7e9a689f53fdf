-- Usage: psql "$SUPABASE_DB_URL" -q -f scripts/sql/bench-settle.sql   (any migrated stack; rolls back)
--
-- settle_receipt_batch side by side: the current function (20261128100100: classify, one
-- set-based apply inside a savepoint, one UPDATE for every retry's visibility timeout) against the
-- previous one (20261122000240, copied below verbatim as bench.settle_0240), on the same database
-- in the same transaction, alternating batch by batch. Batches of 10 claimed receipts; `done`
-- outcomes (fields, artifact, event, archive) and `retry` outcomes (attempts, event, set_vt).
-- Prints milliseconds per batch (median over the batches). Nothing is committed.
\set batches 60
select set_config('bench.batches', :'batches', false);
begin;
\ir ../../supabase/tests/00_helpers/tests_schema.psql
\ir ../../supabase/tests/receipts/fixtures.psql
select tests.seed_tenancy() \gset
select tests.isolate_receipt_pipeline();
create schema bench;
create function bench.settle_0240(p_outcomes jsonb, p_max_attempts integer default 5)
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

create table bench.timings (fn text, kind text, ms numeric);

-- 2 functions x 2 kinds x :batches batches of 10 receipts
select count(tests.insert_receipt('member', 'bench-' || i)) as receipts
from generate_series(1, 40 * :batches) as i;

do $$
declare
  v_batch jsonb;
  v_t timestamptz;
  v_fn text;
  v_kind text;
begin
  for v_i in 1 .. 4 * current_setting('bench.batches')::integer loop
    v_fn := case when v_i % 2 = 0 then 'current' else '0240' end;
    v_kind := case when (v_i / 2) % 2 = 0 then 'done' else 'retry' end;
    select jsonb_agg(case v_kind
             when 'done' then tests.done_outcome(c.msg_id, c.receipt_id)
             else jsonb_build_object('msg_id', c.msg_id, 'receipt_id', c.receipt_id, 'outcome', 'retry',
                                     'mode', 'ocr', 'error', 'timeout', 'delay_seconds', 3600) end)
    into v_batch
    from private.claim_receipt_batch(10, 3600, 5) as c;
    v_t := clock_timestamp();
    if v_fn = 'current' then
      perform private.settle_receipt_batch(v_batch, 5);
    else
      perform bench.settle_0240(v_batch, 5);
    end if;
    insert into bench.timings values (v_fn, v_kind, extract(epoch from clock_timestamp() - v_t) * 1000);
  end loop;
end;
$$;

select fn as settle, kind, count(*) as batches,
       round(percentile_cont(0.5) within group (order by ms)::numeric, 3) as median_ms_per_batch_of_10,
       round(avg(ms), 3) as mean_ms
from bench.timings group by fn, kind order by kind, fn;
rollback;
