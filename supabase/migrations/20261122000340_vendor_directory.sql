-- Vendor directory: per organisation, the best reading of each shop's name, keyed by the tax or
-- registration number printed on its receipts (receipts.vendor_tax_id). OCR garbles a shop name
-- now and then ("GARDEI KERIES"), the number far less often; so every receipt of a shop carries
-- the most confident reading of its name seen so far, and a better reading arriving later
-- corrects the earlier receipts. Written only by the trigger below (as part of the worker's
-- settle); members read their organisation's entries.
--
-- settle_receipt_batch (20261122000240) is redefined here, unchanged but for writing
-- vendor_tax_id from the worker's fields (its comment and grants carry over).

-- ============================================================================
-- tables
-- ============================================================================
alter table public.receipts add column vendor_tax_id text;
alter table public.receipts add constraint vendor_tax_id_is_normalised
  check (vendor_tax_id ~ '^[0-9A-Z]{6,24}$');

comment on column public.receipts.vendor_tax_id is
  'The seller''s tax or company registration number as printed, normalised to digits and capitals '
  '(Textract TAX_PAYER_ID). Keys the vendor directory.';

create table public.vendor_directory (
  organisation_id uuid not null references public.organisations (id) on delete cascade,
  tax_id text not null,
  vendor text not null,
  confidence numeric(4, 3) not null,
  source_receipt_id uuid references public.receipts (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (organisation_id, tax_id),
  constraint tax_id_is_normalised check (tax_id ~ '^[0-9A-Z]{6,24}$'),
  constraint confidence_is_a_ratio check (confidence between 0 and 1)
);

comment on table public.vendor_directory is
  'Per organisation and tax id: the most confident reading of the shop''s name so far '
  '(source_receipt_id is the receipt it was read from). Maintained by private.apply_vendor_directory.';

-- (the first serves the foreign key's on delete set null; the second finds a shop's receipts)
create index vendor_directory_source_receipt_id_idx on public.vendor_directory (source_receipt_id);
create index receipts_organisation_id_vendor_tax_id_idx
  on public.receipts (organisation_id, vendor_tax_id) where vendor_tax_id is not null;

alter table public.receipt_events drop constraint event_type_is_known;
alter table public.receipt_events add constraint event_type_is_known check (event_type in (
  'uploaded', 'processing', 'ocr_done', 'needs_review', 'retry_scheduled', 'async_job_started',
  'dead_lettered', 'replayed', 'rederived', 'recovered', 'vendor_canonicalised'
));

-- ============================================================================
-- functions
-- ============================================================================
create function private.apply_vendor_directory()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  -- Its own corrections fire this trigger again: nothing to do there.
  if pg_trigger_depth() > 1 then
    return null;
  end if;

  -- Learn: the statement's new readings (vendor, tax id or confidence changed) enter the
  -- directory where they are the most confident so far. Keys are locked in one order, so
  -- concurrent settles cannot deadlock on directory rows.
  insert into public.vendor_directory as d
    (organisation_id, tax_id, vendor, confidence, source_receipt_id)
  select distinct on (c.organisation_id, c.vendor_tax_id)
         c.organisation_id, c.vendor_tax_id, c.vendor,
         least(coalesce((c.field_confidence ->> 'vendor')::numeric, 0), 1), c.id
  from changed as c
  join before_rows as b on b.id = c.id
  where c.vendor is not null and c.vendor_tax_id is not null
    and (c.vendor, c.vendor_tax_id, c.field_confidence -> 'vendor')
        is distinct from (b.vendor, b.vendor_tax_id, b.field_confidence -> 'vendor')
  order by c.organisation_id, c.vendor_tax_id,
           coalesce((c.field_confidence ->> 'vendor')::numeric, 0) desc, c.id
  on conflict (organisation_id, tax_id) do update
    set vendor = excluded.vendor, confidence = excluded.confidence,
        source_receipt_id = excluded.source_receipt_id, updated_at = now()
    where excluded.confidence > d.confidence;

  -- Apply: every receipt of those shops read less confidently than the directory takes its name,
  -- the statement's own receipts and the organisation's earlier ones alike. Rows another
  -- transaction is writing are skipped, not waited for: that transaction applies the directory
  -- itself when its statement ends.
  with touched as (
    select distinct c.organisation_id, c.vendor_tax_id as tax_id
    from changed as c
    where c.vendor is not null and c.vendor_tax_id is not null
  ), targets as (
    select r.id, r.vendor as read, d.vendor, d.confidence, d.tax_id, d.source_receipt_id
    from touched as t
    join public.vendor_directory as d
      on d.organisation_id = t.organisation_id and d.tax_id = t.tax_id
    join public.receipts as r
      on r.organisation_id = d.organisation_id and r.vendor_tax_id = d.tax_id
    where r.vendor is distinct from d.vendor
      and coalesce((r.field_confidence ->> 'vendor')::numeric, 0) < d.confidence
    for update of r skip locked
  ), corrected as (
    update public.receipts as r
    set vendor = t.vendor,
        field_confidence = r.field_confidence || jsonb_build_object('vendor', t.confidence)
    from targets as t
    where r.id = t.id
    returning r.id, r.organisation_id, r.status, t.read, t.vendor, t.tax_id, t.source_receipt_id
  )
  insert into public.receipt_events
    (receipt_id, organisation_id, event_type, from_status, to_status, metadata)
  select c.id, c.organisation_id, 'vendor_canonicalised', c.status, c.status,
         jsonb_build_object('tax_id', c.tax_id, 'vendor', c.vendor, 'read', c.read,
                            'from_receipt_id', c.source_receipt_id)
  from corrected as c;
  return null;
end;
$$;

comment on function private.apply_vendor_directory() is
  'after update on receipts, per statement: the statement''s new vendor readings enter '
  'vendor_directory where most confident for their tax id; then every receipt of those shops read '
  'less confidently takes the directory''s name (a vendor_canonicalised event each).';

create or replace function private.settle_receipt_batch(p_outcomes jsonb, p_max_attempts integer default 5)
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
  select coalesce(array_agg(case
    when o.outcome in ('retry', 'fail', 'wait')
         and (r.id is null or o.mode = 'rederive'
              or r.status in ('ocr_done', 'needs_review', 'failed'))
      then row(o.msg_id, o.receipt_id, 'stale', o.mode, o.processor_version, o.status, o.fields,
               o.artifact, o.error, o.delay_seconds, o.textract_job_id)::private.receipt_outcome
    when o.outcome = 'retry' and r.attempts + 1 >= p_max_attempts
      then row(o.msg_id, o.receipt_id, 'fail', o.mode, o.processor_version, o.status, o.fields,
               o.artifact, o.error || ' (attempts exhausted)', o.delay_seconds, o.textract_job_id
              )::private.receipt_outcome
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

-- ============================================================================
-- triggers
-- ============================================================================
create trigger tallyq_apply_vendor_directory
  after update on public.receipts
  referencing old table as before_rows new table as changed
  for each statement
  execute function private.apply_vendor_directory();

select private.enable_audit('public.vendor_directory', 'organisation_id');

-- ============================================================================
-- RLS
-- ============================================================================
alter table public.vendor_directory enable row level security;

create policy "Members can read their organisation's vendor directory"
  on public.vendor_directory for select to authenticated
  using (organisation_id in (select private.user_org_ids()));

-- No insert/update/delete policies: the directory is written by private.apply_vendor_directory.

-- ============================================================================
-- grants
-- ============================================================================
revoke all on public.vendor_directory from anon, authenticated;
grant select on public.vendor_directory to authenticated;
-- Operators (service_role) may correct or remove an entry; the next settle of the shop reads it.
grant select, insert, update, delete on public.vendor_directory to service_role;
revoke all on function private.apply_vendor_directory() from public, anon, authenticated;
