-- Receipt events: an append-only history of every state transition and retry, with metadata.
-- Written by triggers and the worker's settle functions; members read their organisation's events.

-- ============================================================================
-- tables
-- ============================================================================
create table public.receipt_events (
  id bigint generated always as identity primary key,
  receipt_id uuid not null references public.receipts (id) on delete cascade,
  organisation_id uuid not null references public.organisations (id) on delete cascade,
  event_type text not null,
  from_status public.receipt_status,
  to_status public.receipt_status,
  attempt integer,
  processor_version text,
  metadata jsonb not null default '{}',
  created_at timestamptz not null default clock_timestamp(),
  constraint event_type_is_known check (event_type in (
    'uploaded', 'processing', 'ocr_done', 'needs_review', 'retry_scheduled', 'async_job_started',
    'dead_lettered', 'replayed', 'rederived', 'recovered',
    'vendor_canonicalised' -- written by the vendor directory (…0340_vendor_directory.sql)
  ))
);

comment on table public.receipt_events is
  'Append-only history of each receipt. Exactly one ocr_done/needs_review event per receipt and '
  'processor_version (a unique index), so a redelivered message cannot record a second result.';

-- ============================================================================
-- indexes
-- ============================================================================
create index receipt_events_receipt_id_id_idx on public.receipt_events (receipt_id, id);
create unique index receipt_events_one_result_per_version_idx
  on public.receipt_events (receipt_id, processor_version)
  where event_type in ('ocr_done', 'needs_review');

-- ============================================================================
-- triggers
-- ============================================================================
create function private.receipt_events_are_append_only()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  raise exception 'receipt_events is append-only'
    using errcode = 'insufficient_privilege', hint = 'Record a new event instead.';
end;
$$;

create trigger tallyq_receipt_events_are_append_only
  before update or delete on public.receipt_events
  for each row
  when (pg_trigger_depth() = 0)
  execute function private.receipt_events_are_append_only();

-- ============================================================================
-- RLS
-- ============================================================================
alter table public.receipt_events enable row level security;

create policy "Members can read their organisation's receipt events"
  on public.receipt_events for select to authenticated
  using (organisation_id in (select private.user_org_ids()));

-- ============================================================================
-- grants
-- ============================================================================
revoke all on public.receipt_events from anon, authenticated;
grant select on public.receipt_events to authenticated;
grant select, insert on public.receipt_events to service_role;
revoke all on function private.receipt_events_are_append_only() from public, anon, authenticated;
