-- Receipt artifacts: the raw OCR response (Textract JSON) kept immutably in storage under a
-- content-addressed path, one row per receipt and kind. Fields can be re-derived from it for a new
-- processor_version without calling Textract again.

-- ============================================================================
-- tables
-- ============================================================================
create table public.receipt_artifacts (
  receipt_id uuid not null references public.receipts (id) on delete cascade,
  kind text not null,
  organisation_id uuid not null references public.organisations (id) on delete cascade,
  storage_path text not null,
  sha256 text not null,
  size_bytes bigint not null,
  created_at timestamptz not null default now(),
  primary key (receipt_id, kind),
  constraint kind_is_known check (kind in ('analyze_expense', 'expense_analysis_job')),
  constraint sha256_is_hex check (sha256 ~ '^[0-9a-f]{64}$'),
  constraint size_is_positive check (size_bytes > 0)
);

comment on table public.receipt_artifacts is
  'Raw OCR output per receipt, written once (first writer wins: a redelivered message that OCRs '
  'again keeps the first artifact). storage_path is artifacts/<sha256 of the JSON>.json.';

-- ============================================================================
-- triggers
-- ============================================================================
create function private.receipt_artifacts_are_immutable()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  raise exception 'receipt_artifacts are immutable' using errcode = 'insufficient_privilege';
end;
$$;

create trigger tallyq_receipt_artifacts_are_immutable
  before update on public.receipt_artifacts
  for each row execute function private.receipt_artifacts_are_immutable();

-- ============================================================================
-- RLS
-- ============================================================================
alter table public.receipt_artifacts enable row level security;

create policy "Members can read their organisation's receipt artifacts"
  on public.receipt_artifacts for select to authenticated
  using (organisation_id in (select private.user_org_ids()));

-- ============================================================================
-- grants
-- ============================================================================
revoke all on public.receipt_artifacts from anon, authenticated;
grant select on public.receipt_artifacts to authenticated;
grant select, insert, delete on public.receipt_artifacts to service_role;
revoke all on function private.receipt_artifacts_are_immutable() from public, anon, authenticated;
