-- Webhook projections: the current state of provider objects, derived from webhook_events by
-- private.settle_webhook_batch (webhook-processor). Order-safe: an event older than what a row
-- already reflects never overwrites it, so out-of-order and repeated deliveries are harmless.

-- ============================================================================
-- tables
-- ============================================================================
create table public.payment_objects (
  provider text not null default 'stripe',
  object_id text not null,
  object_type text not null,
  status text,
  livemode boolean,
  data jsonb not null,
  last_event_id text not null,
  last_event_type text not null,
  last_event_at timestamptz not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint payment_objects_pkey primary key (provider, object_id),
  constraint provider_is_known check (provider in ('stripe')),
  constraint object_id_is_not_blank check (length(btrim(object_id)) > 0),
  constraint data_is_an_object check (jsonb_typeof(data) = 'object')
);

comment on table public.payment_objects is
  'Latest known state of each payment-provider object (payment intent, charge, invoice, '
  'subscription, ...), keyed by the provider''s object id: the data.object of the newest event by '
  'provider time (last_event_at). An older event arriving later changes nothing; on a tie '
  '(Stripe timestamps are whole seconds) the later-processed event wins. Not tenant-scoped (see '
  'webhook_events): service role only.';

create table public.message_statuses (
  provider text not null default 'whatsapp',
  message_id text not null,
  recipient_id text,
  status text not null,
  status_at timestamptz not null,
  last_event_id text not null,
  errors jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint message_statuses_pkey primary key (provider, message_id),
  constraint provider_is_known check (provider in ('whatsapp')),
  constraint status_is_known check (status in ('sent', 'delivered', 'read', 'failed')),
  constraint message_id_is_not_blank check (length(btrim(message_id)) > 0)
);

comment on table public.message_statuses is
  'Delivery status of each outbound message. Only moves forward: sent -> delivered -> read; failed '
  'is terminal. A status that arrives late (read before delivered) leaves the further one in '
  'place. Not tenant-scoped (see webhook_events): service role only.';

-- ============================================================================
-- triggers
-- ============================================================================
create trigger tallyq_touch_updated_at
  before update on public.payment_objects
  for each row execute function private.touch_updated_at();

create trigger tallyq_touch_updated_at
  before update on public.message_statuses
  for each row execute function private.touch_updated_at();

-- ============================================================================
-- RLS
-- ============================================================================
alter table public.payment_objects enable row level security;
alter table public.message_statuses enable row level security;

create policy "Service role manages payment objects"
  on public.payment_objects for all to service_role
  using (true) with check (true);

create policy "Service role manages message statuses"
  on public.message_statuses for all to service_role
  using (true) with check (true);

-- ============================================================================
-- functions
-- ============================================================================
create function private.message_status_rank(p_status text)
returns integer
language sql
immutable
set search_path = ''
as $$
  select case p_status when 'sent' then 1 when 'delivered' then 2 when 'read' then 3
                       when 'failed' then 4 end
$$;

comment on function private.message_status_rank(text) is
  'Order of WhatsApp statuses: a status replaces another only with a higher rank (failed is '
  'terminal); null for statuses the projection does not track.';

-- ============================================================================
-- grants
-- ============================================================================
revoke all on public.payment_objects, public.message_statuses from public, anon, authenticated;
grant select, insert, update, delete on public.payment_objects, public.message_statuses to service_role;
revoke all on function private.message_status_rank(text) from public, anon, authenticated;
grant execute on function private.message_status_rank(text) to service_role;
