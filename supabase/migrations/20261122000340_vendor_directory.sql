-- Vendor directory: per organisation, the best reading of each shop's name, keyed by the tax or
-- registration number printed on its receipts (receipts.vendor_tax_id). OCR garbles a shop name
-- now and then ("GARDEI KERIES"), the number far less often; so every receipt of a shop carries
-- the most confident reading of its name seen so far, and a better reading arriving later
-- corrects the earlier receipts. Written only by the trigger below (as part of the worker's
-- settle); members read their organisation's entries.

-- ============================================================================
-- tables
-- ============================================================================
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
