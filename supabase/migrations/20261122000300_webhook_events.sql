-- Webhook event store: every verified delivery from a provider (Stripe payments, WhatsApp
-- messaging), stored once by the provider's event id. Written by the payments-webhook and
-- messaging-webhook functions; processed asynchronously by webhook-processor (service role only).

-- ============================================================================
-- types
-- ============================================================================
create type public.webhook_event_status as enum ('received', 'processed', 'failed');

comment on type public.webhook_event_status is
  'received -> processed | failed. failed: permanent error or attempts exhausted (the message is '
  'in the webhook_events_dlq queue).';

-- ============================================================================
-- tables
-- ============================================================================
create table public.webhook_events (
  id bigint generated always as identity primary key,
  provider text not null,
  event_id text not null,
  event_type text not null,
  occurred_at timestamptz not null,
  payload jsonb not null,
  signature_verified_at timestamptz not null,
  received_at timestamptz not null default now(),
  status public.webhook_event_status not null default 'received',
  attempts integer not null default 0,
  last_error text,
  processed_at timestamptz,
  constraint provider_is_known check (provider in ('stripe', 'whatsapp')),
  constraint event_id_is_not_blank check (length(btrim(event_id)) between 1 and 255),
  constraint payload_is_an_object check (jsonb_typeof(payload) = 'object'),
  constraint attempts_is_non_negative check (attempts >= 0),
  constraint processed_at_is_set_when_processed check ((status = 'processed') = (processed_at is not null)),
  -- Each provider event is stored once: a redelivery hits ON CONFLICT DO NOTHING.
  constraint webhook_events_provider_event_id_key unique (provider, event_id)
);

comment on table public.webhook_events is
  'Verified provider webhook deliveries, one row per (provider, event_id). Not tenant-scoped: a '
  'Stripe account or WhatsApp business number serves the whole deployment, and which organisation '
  'an event concerns is only known after processing, so there is no organisation_id and no client '
  'read policy - service role only. Payloads may hold personal data (phone numbers, e-mails).';
comment on column public.webhook_events.occurred_at is
  'The provider''s own timestamp (Stripe event.created, WhatsApp message/status timestamp): the '
  'order that projections follow, not the order of arrival.';
comment on column public.webhook_events.signature_verified_at is
  'When the function verified the delivery''s signature (rows are only ever stored after that).';

-- ============================================================================
-- indexes
-- ============================================================================
create index webhook_events_status_received_at_idx on public.webhook_events (status, received_at)
  where status <> 'processed';
create index webhook_events_provider_occurred_at_idx
  on public.webhook_events (provider, occurred_at desc);

-- ============================================================================
-- RLS
-- ============================================================================
alter table public.webhook_events enable row level security;

create policy "Service role manages webhook events"
  on public.webhook_events for all to service_role
  using (true) with check (true);

-- No policies for anon/authenticated: no organisation owns a raw provider event (see the table
-- comment). An org-facing view can be added once events are mapped to organisations.

-- ============================================================================
-- grants
-- ============================================================================
revoke all on public.webhook_events from public, anon, authenticated;
grant select, insert, update, delete on public.webhook_events to service_role;
