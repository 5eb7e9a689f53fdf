-- Receipts: one row per uploaded document, its processing state and the fields extracted from it.
-- Written by the receipts function (as the uploading user, under RLS) and by the receipt worker
-- (service role, through private.settle_receipt_batch). Clients read their organisation's rows.

-- ============================================================================
-- types
-- ============================================================================
create type public.receipt_status as enum ('pending', 'processing', 'ocr_done', 'needs_review', 'failed');

comment on type public.receipt_status is
  'pending -> processing -> ocr_done | needs_review | failed. needs_review: extracted, but a field '
  'is missing or below the confidence threshold. failed: permanent error or attempts exhausted '
  '(the message is in the dead-letter queue).';

-- ============================================================================
-- tables
-- ============================================================================
create table public.receipts (
  id uuid primary key default gen_random_uuid(),
  organisation_id uuid not null references public.organisations (id) on delete cascade,
  owner_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  storage_path text not null,
  sha256 text not null,
  content_type text not null,
  size_bytes bigint not null,
  original_filename text,
  idempotency_key text,
  status public.receipt_status not null default 'pending',
  -- extracted fields (null where unknown); money as exact numerics, never floats
  vendor text,
  vendor_address text,
  -- the seller's tax/registration number, digits and capitals (Textract TAX_PAYER_ID); keys the
  -- vendor directory (20261122000340)
  vendor_tax_id text,
  receipt_date date,
  receipt_time time,
  currency text,
  subtotal numeric(19, 4),
  tax numeric(19, 4),
  total numeric(19, 4),
  payment_method text,
  line_items jsonb not null default '[]',
  field_confidence jsonb not null default '{}',
  ocr_confidence numeric(5, 4),
  -- processing bookkeeping
  artifact_path text,
  processor_version text,
  textract_job_id text,
  attempts integer not null default 0,
  last_error text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  processed_at timestamptz,
  constraint sha256_is_hex check (sha256 ~ '^[0-9a-f]{64}$'),
  constraint size_is_positive check (size_bytes > 0),
  constraint currency_is_iso_4217 check (currency ~ '^[A-Z]{3}$'),
  constraint money_is_non_negative check (
    coalesce(total, 0) >= 0 and coalesce(subtotal, 0) >= 0 and coalesce(tax, 0) >= 0
  ),
  constraint ocr_confidence_is_a_ratio check (ocr_confidence between 0 and 1),
  constraint attempts_is_non_negative check (attempts >= 0),
  constraint line_items_is_an_array check (jsonb_typeof(line_items) = 'array'),
  constraint storage_path_is_under_org_and_owner check (
    storage_path like organisation_id::text || '/' || owner_id::text || '/%'
  ),
  constraint processed_at_is_after_created_at check (processed_at >= created_at),
  constraint vendor_tax_id_is_normalised check (vendor_tax_id ~ '^[0-9A-Z]{6,24}$')
);

comment on table public.receipts is
  'Uploaded receipts and their extracted fields. The same file (sha256) uploaded twice by the same '
  'owner is one receipt; field_confidence holds 0..1 per extracted field.';

-- ============================================================================
-- indexes
-- ============================================================================
create unique index receipts_owner_id_sha256_key on public.receipts (owner_id, sha256);
create unique index receipts_owner_id_idempotency_key_key
  on public.receipts (owner_id, idempotency_key) where idempotency_key is not null;
create index receipts_organisation_id_created_at_idx
  on public.receipts (organisation_id, created_at desc, id desc);
create index receipts_status_updated_at_idx on public.receipts (status, updated_at)
  where status in ('pending', 'processing');

-- ============================================================================
-- triggers
-- ============================================================================
create function private.touch_updated_at()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.updated_at := now();
  return new;
end;
$$;

comment on function private.touch_updated_at() is 'before update: keeps updated_at current.';

create trigger tallyq_touch_updated_at
  before update on public.receipts
  for each row execute function private.touch_updated_at();

-- ============================================================================
-- RLS
-- ============================================================================
alter table public.receipts enable row level security;

create policy "Members can read their organisation's receipts"
  on public.receipts for select to authenticated
  using (organisation_id in (select private.user_org_ids()));

create policy "Members can add receipts they own to their organisation"
  on public.receipts for insert to authenticated
  with check (
    owner_id = (select auth.uid())
    and organisation_id in (select private.user_org_ids())
    and status = 'pending'
    and attempts = 0
    and processor_version is null
  );

-- No update/delete policies: processing state is written by the worker (service role) only, and
-- erasure goes through the GDPR path, so clients cannot forge extracted fields or statuses.

-- ============================================================================
-- grants
-- ============================================================================
-- Hosted default privileges hand API roles every table privilege (truncate included): take them
-- back. Clients insert only what describes the upload; processing state is the worker's alone.
revoke all on public.receipts from anon, authenticated;
grant select on public.receipts to authenticated;
grant insert (
  organisation_id, owner_id, storage_path, sha256, content_type, size_bytes, original_filename,
  idempotency_key
) on public.receipts to authenticated;
grant all on public.receipts to service_role;
revoke all on function private.touch_updated_at() from public, anon, authenticated;
