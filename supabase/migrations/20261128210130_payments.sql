-- Payments: provider-shaped records fed by webhooks (Stripe PaymentIntent/Refund/Invoice/
-- Subscription, MTN MoMo collection/disbursement, Revolut Business transactions), a provider-neutral
-- payments/refunds pair, and the step that turns them into ledger money exactly once:
-- a succeeded payment credits the payer's wallet from the provider's clearing account, a succeeded
-- refund debits it. Written by private.apply_money_batch (webhook-processor, service_role).

-- ============================================================================
-- webhook providers
-- ============================================================================
alter table public.webhook_events drop constraint provider_is_known;
alter table public.webhook_events add constraint provider_is_known
  check (provider in ('stripe', 'whatsapp', 'momo', 'revolut'));

-- ============================================================================
-- tables: provider neutral
-- ============================================================================
create table public.payments (
  id uuid primary key default gen_random_uuid(),
  provider text not null,
  provider_payment_id text not null,
  user_id uuid references auth.users (id) on delete set null,
  organisation_id uuid references public.organisations (id) on delete set null,
  amount_minor bigint,
  currency text,
  status text not null,
  wallet_transaction_id uuid references public.wallet_transactions (id),
  last_event_id text not null,
  last_event_at timestamptz not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint provider_is_known check (provider in ('stripe', 'momo', 'revolut')),
  constraint status_is_known check (status in ('pending', 'succeeded', 'failed', 'canceled')),
  constraint amount_is_positive check (amount_minor > 0),
  constraint currency_is_iso_4217 check (currency ~ '^[A-Z]{3}$'),
  constraint credited_payments_have_an_amount
    check (wallet_transaction_id is null or (amount_minor is not null and currency is not null)),
  constraint payments_provider_payment_id_key unique (provider, provider_payment_id)
);

comment on table public.payments is
  'Money received through a provider (Stripe payment intent or charge, MoMo request-to-pay, Revolut '
  'incoming transaction), one row per provider payment. user_id: the tallyq user whose wallet it '
  'funds (Stripe metadata.tallyq_user_id, MoMo externalId, Revolut reference); null = not a wallet '
  'top-up. wallet_transaction_id: the credit, written once.';

create table public.refunds (
  id uuid primary key default gen_random_uuid(),
  provider text not null,
  provider_refund_id text not null,
  provider_payment_id text not null,
  amount_minor bigint not null,
  currency text not null,
  status text not null,
  reason text,
  wallet_transaction_id uuid references public.wallet_transactions (id),
  last_event_id text not null,
  last_event_at timestamptz not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint provider_is_known check (provider in ('stripe', 'momo', 'revolut')),
  constraint status_is_known check (status in ('pending', 'succeeded', 'failed', 'canceled')),
  constraint amount_is_positive check (amount_minor > 0),
  constraint currency_is_iso_4217 check (currency ~ '^[A-Z]{3}$'),
  constraint refunds_provider_refund_id_key unique (provider, provider_refund_id)
);

comment on table public.refunds is
  'Money returned to a payer through the provider; a succeeded refund of a credited payment debits '
  'the wallet once (wallet_transaction_id). Arriving before its payment is fine: it is applied '
  'when the payment is credited.';

-- ============================================================================
-- tables: provider shaped (the object as the provider last described it)
-- ============================================================================
create table public.payment_intents (
  id text primary key,
  amount_minor bigint not null,
  amount_received_minor bigint not null default 0,
  currency text not null,
  status text not null,
  customer text,
  latest_charge text,
  invoice text,
  description text,
  metadata jsonb not null default '{}',
  livemode boolean not null default false,
  user_id uuid references auth.users (id) on delete set null,
  provider_created_at timestamptz,
  last_event_id text not null,
  last_event_at timestamptz not null,
  updated_at timestamptz not null default now(),
  constraint currency_is_iso_4217 check (currency ~ '^[A-Z]{3}$'),
  constraint amounts_are_non_negative check (amount_minor >= 0 and amount_received_minor >= 0),
  constraint status_is_stripes check (status in ('requires_payment_method', 'requires_confirmation',
    'requires_action', 'processing', 'requires_capture', 'canceled', 'succeeded'))
);

comment on table public.payment_intents is 'Stripe PaymentIntent objects (pi_…), from payment_intent.* events.';

create table public.invoices (
  id text primary key,
  customer text,
  subscription text,
  payment_intent text,
  status text,
  amount_due_minor bigint not null,
  amount_paid_minor bigint not null,
  amount_remaining_minor bigint not null,
  currency text not null,
  period_start timestamptz,
  period_end timestamptz,
  user_id uuid references auth.users (id) on delete set null,
  last_event_id text not null,
  last_event_at timestamptz not null,
  updated_at timestamptz not null default now(),
  constraint currency_is_iso_4217 check (currency ~ '^[A-Z]{3}$'),
  constraint amounts_are_non_negative
    check (amount_due_minor >= 0 and amount_paid_minor >= 0 and amount_remaining_minor >= 0),
  constraint status_is_stripes check (status in ('draft', 'open', 'paid', 'uncollectible', 'void'))
);

comment on table public.invoices is 'Stripe Invoice objects (in_…), from invoice.* events. Records only: money moves with the payment.';

create table public.subscriptions (
  id text primary key,
  customer text,
  status text not null,
  currency text not null,
  current_period_start timestamptz,
  current_period_end timestamptz,
  cancel_at_period_end boolean not null default false,
  canceled_at timestamptz,
  items jsonb not null default '[]',
  user_id uuid references auth.users (id) on delete set null,
  last_event_id text not null,
  last_event_at timestamptz not null,
  updated_at timestamptz not null default now(),
  constraint currency_is_iso_4217 check (currency ~ '^[A-Z]{3}$'),
  constraint status_is_stripes check (status in ('incomplete', 'incomplete_expired', 'trialing',
    'active', 'past_due', 'canceled', 'unpaid', 'paused'))
);

comment on table public.subscriptions is 'Stripe Subscription objects (sub_…), from customer.subscription.* events.';

create table public.momo_transactions (
  id uuid primary key,
  product text not null,
  financial_transaction_id text,
  external_id text,
  amount_minor bigint not null,
  currency text not null,
  party_id_type text,
  party_id text,
  payer_message text,
  payee_note text,
  status text not null,
  reason text,
  user_id uuid references auth.users (id) on delete set null,
  last_event_id text not null,
  last_event_at timestamptz not null,
  updated_at timestamptz not null default now(),
  constraint product_is_known check (product in ('collection', 'disbursement')),
  constraint currency_is_iso_4217 check (currency ~ '^[A-Z]{3}$'),
  constraint amount_is_positive check (amount_minor > 0),
  constraint status_is_momos check (status in ('PENDING', 'SUCCESSFUL', 'FAILED'))
);

comment on table public.momo_transactions is
  'MTN MoMo request-to-pay (collection) and transfer (disbursement) results, keyed by our '
  'X-Reference-Id; party_id is the payer''s or payee''s MSISDN (personal data).';

create table public.revolut_transactions (
  id uuid primary key,
  type text,
  state text not null,
  request_id text,
  reference text,
  account_id uuid,
  amount_minor bigint,
  currency text,
  counterparty jsonb,
  description text,
  provider_created_at timestamptz,
  completed_at timestamptz,
  user_id uuid references auth.users (id) on delete set null,
  last_event_id text not null,
  last_event_at timestamptz not null,
  updated_at timestamptz not null default now(),
  constraint currency_is_iso_4217 check (currency ~ '^[A-Z]{3}$'),
  constraint state_is_revoluts check (state in ('created', 'pending', 'completed', 'declined',
    'failed', 'reverted'))
);

comment on table public.revolut_transactions is
  'Revolut Business transactions (TransactionCreated / TransactionStateChanged webhooks). '
  'amount_minor is the leg on our account (negative = money out); a state change alone carries '
  'no amount, so amounts fill in whichever event brings them.';

create table public.wallet_discrepancies (
  id bigint generated always as identity primary key,
  found_at timestamptz not null default now(),
  check_name text not null,
  subject_id text,
  detail jsonb not null default '{}',
  constraint check_name_is_not_blank check (length(btrim(check_name)) > 0)
);

comment on table public.wallet_discrepancies is
  'What reconciliation (daily, tallyq_wallet_reconcile) and the payment step found wrong: empty '
  'when all is well. Service role only.';

-- ============================================================================
-- indexes
-- ============================================================================
create index payments_user_id_idx on public.payments (user_id);
create index payments_organisation_id_idx on public.payments (organisation_id);
create index refunds_payment_idx on public.refunds (provider, provider_payment_id);
create index payment_intents_user_id_idx on public.payment_intents (user_id);
create index invoices_user_id_idx on public.invoices (user_id);
create index subscriptions_user_id_idx on public.subscriptions (user_id);
create index momo_transactions_user_id_idx on public.momo_transactions (user_id);
create index revolut_transactions_user_id_idx on public.revolut_transactions (user_id);

-- ============================================================================
-- triggers
-- ============================================================================
create trigger tallyq_touch_updated_at before update on public.payments
  for each row execute function private.touch_updated_at();
create trigger tallyq_touch_updated_at before update on public.refunds
  for each row execute function private.touch_updated_at();
create trigger tallyq_touch_updated_at before update on public.payment_intents
  for each row execute function private.touch_updated_at();
create trigger tallyq_touch_updated_at before update on public.invoices
  for each row execute function private.touch_updated_at();
create trigger tallyq_touch_updated_at before update on public.subscriptions
  for each row execute function private.touch_updated_at();
create trigger tallyq_touch_updated_at before update on public.momo_transactions
  for each row execute function private.touch_updated_at();
create trigger tallyq_touch_updated_at before update on public.revolut_transactions
  for each row execute function private.touch_updated_at();

-- ============================================================================
-- RLS: payers read their own records; owners and admins of the organisation whose wallet a
-- payment funded read it too; only the service role (webhook processing) writes.
-- ============================================================================
alter table public.payments enable row level security;
alter table public.refunds enable row level security;
alter table public.payment_intents enable row level security;
alter table public.invoices enable row level security;
alter table public.subscriptions enable row level security;
alter table public.momo_transactions enable row level security;
alter table public.revolut_transactions enable row level security;
alter table public.wallet_discrepancies enable row level security;

create policy "Payers read their payments; owners and admins their organisation's"
  on public.payments for select to authenticated
  using (user_id = (select auth.uid())
         or organisation_id in (select private.user_org_ids('{owner,admin}')));
create policy "Payers read refunds of their payments; owners and admins their organisation's"
  on public.refunds for select to authenticated
  using (exists (select 1 from public.payments as p
                 where p.provider = refunds.provider and p.provider_payment_id = refunds.provider_payment_id
                   and (p.user_id = (select auth.uid())
                        or p.organisation_id in (select private.user_org_ids('{owner,admin}')))));
create policy "Payers read their payment intents" on public.payment_intents for select to authenticated
  using (user_id = (select auth.uid()));
create policy "Customers read their invoices" on public.invoices for select to authenticated
  using (user_id = (select auth.uid()));
create policy "Customers read their subscriptions" on public.subscriptions for select to authenticated
  using (user_id = (select auth.uid()));
create policy "Payers read their mobile money transactions" on public.momo_transactions
  for select to authenticated using (user_id = (select auth.uid()));
create policy "Payers read their Revolut transactions" on public.revolut_transactions
  for select to authenticated using (user_id = (select auth.uid()));

create policy "Service role manages payments" on public.payments for all to service_role using (true) with check (true);
create policy "Service role manages refunds" on public.refunds for all to service_role using (true) with check (true);
create policy "Service role manages payment intents" on public.payment_intents for all to service_role using (true) with check (true);
create policy "Service role manages invoices" on public.invoices for all to service_role using (true) with check (true);
create policy "Service role manages subscriptions" on public.subscriptions for all to service_role using (true) with check (true);
create policy "Service role manages mobile money transactions" on public.momo_transactions for all to service_role using (true) with check (true);
create policy "Service role manages Revolut transactions" on public.revolut_transactions for all to service_role using (true) with check (true);
create policy "Service role reads and records discrepancies" on public.wallet_discrepancies for all to service_role using (true) with check (true);

-- ============================================================================
-- grants
-- ============================================================================
revoke all on public.payments, public.refunds, public.payment_intents, public.invoices,
  public.subscriptions, public.momo_transactions, public.revolut_transactions,
  public.wallet_discrepancies from public, anon, authenticated, service_role;
grant select on public.payments, public.refunds, public.payment_intents, public.invoices,
  public.subscriptions, public.momo_transactions, public.revolut_transactions to authenticated;
-- Provider records are the provider's word: the service role records them but never rewrites the
-- money columns by hand (the wallet link is set by the payment step only).
grant select, insert, update on public.payment_intents, public.invoices, public.subscriptions,
  public.momo_transactions, public.revolut_transactions to service_role;
grant select on public.payments, public.refunds to service_role;
grant select, insert on public.wallet_discrepancies to service_role;
