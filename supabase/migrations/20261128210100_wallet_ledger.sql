-- Wallet ledger: accounts, transactions and their double entries (append-only). Written only by
-- the ledger functions (20261128210110_wallet_transfers.sql, payments); users read their own rows,
-- organisation owners and admins read their organisation's, service_role reads everything.

-- ============================================================================
-- types
-- ============================================================================
create type public.wallet_account_kind as enum ('user', 'clearing', 'fees', 'fx_liquidity');

comment on type public.wallet_account_kind is
  'user: a person''s wallet; clearing: money in transit from/to a payment provider; fees: platform '
  'revenue; fx_liquidity: one leg of a currency exchange (one account per currency).';

create type public.wallet_transaction_kind as enum (
  'transfer', 'pending', 'post', 'void', 'expire', 'reversal', 'payment', 'refund'
);

comment on type public.wallet_transaction_kind is
  'transfer: posted at once; pending: reserves (no entries) until post/void/expire, each of which '
  'is a new transaction naming it in pending_id; reversal: a new transaction naming the original '
  'in reverses_id; payment/refund: provider money in/out through a clearing account.';

-- ============================================================================
-- tables
-- ============================================================================
create table public.wallet_accounts (
  id uuid primary key default gen_random_uuid(),
  kind public.wallet_account_kind not null,
  user_id uuid references auth.users (id) on delete restrict,
  organisation_id uuid references public.organisations (id) on delete restrict,
  provider text,
  currency text not null,
  allow_overdraft boolean not null default false,
  posted_balance_minor bigint not null default 0,
  pending_debits_minor bigint not null default 0,
  pending_credits_minor bigint not null default 0,
  version bigint not null default 0,
  closed_at timestamptz,
  created_at timestamptz not null default now(),
  constraint currency_is_iso_4217 check (currency ~ '^[A-Z]{3}$'),
  constraint user_accounts_have_a_user check ((kind = 'user') = (user_id is not null)),
  constraint clearing_accounts_name_a_provider check ((kind = 'clearing') = (provider is not null)),
  constraint pending_amounts_are_non_negative
    check (pending_debits_minor >= 0 and pending_credits_minor >= 0),
  constraint available_is_non_negative_unless_overdraft
    check (allow_overdraft or posted_balance_minor - pending_debits_minor >= 0),
  constraint version_is_non_negative check (version >= 0),
  -- Target of the (account, currency) foreign keys: an entry or transaction cannot name an
  -- account in another currency.
  constraint wallet_accounts_id_currency_key unique (id, currency)
);

comment on table public.wallet_accounts is
  'Ledger accounts. balance = credits - debits in integer minor units of currency. available = '
  'posted_balance_minor - pending_debits_minor, never negative unless allow_overdraft (platform '
  'clearing accounts). version = number of entries, gap-free. Written by ledger functions only.';

create table public.wallet_transactions (
  id uuid primary key default gen_random_uuid(),
  kind public.wallet_transaction_kind not null,
  debit_account_id uuid not null,
  credit_account_id uuid not null,
  amount_minor bigint not null,
  currency text not null,
  description text,
  pending_id uuid references public.wallet_transactions (id),
  reverses_id uuid references public.wallet_transactions (id),
  expires_at timestamptz,
  external_ref text,
  created_by uuid,
  created_at timestamptz not null default now(),
  constraint amount_is_positive check (amount_minor > 0),
  constraint currency_is_iso_4217 check (currency ~ '^[A-Z]{3}$'),
  constraint debit_and_credit_accounts_differ check (debit_account_id <> credit_account_id),
  constraint description_is_short check (length(description) <= 500),
  constraint only_pendings_expire check ((kind = 'pending') = (expires_at is not null)),
  constraint resolutions_name_their_pending
    check ((kind in ('post', 'void', 'expire')) = (pending_id is not null)),
  constraint reversals_name_their_original check ((kind = 'reversal') = (reverses_id is not null)),
  constraint provider_money_has_an_external_ref
    check ((kind in ('payment', 'refund')) = (external_ref is not null)),
  constraint debit_account_has_the_currency foreign key (debit_account_id, currency)
    references public.wallet_accounts (id, currency),
  constraint credit_account_has_the_currency foreign key (credit_account_id, currency)
    references public.wallet_accounts (id, currency)
);

comment on table public.wallet_transactions is
  'Immutable money movements. A pending resolves at most once (unique pending_id), a transaction '
  'is reversed at most once (unique reverses_id), a provider event moves money at most once '
  '(unique external_ref). Posted movements have exactly two entries netting to zero.';

create table public.wallet_entries (
  account_id uuid not null,
  version bigint not null,
  transaction_id uuid not null references public.wallet_transactions (id),
  amount_minor bigint not null,
  currency text not null,
  balance_before_minor bigint not null,
  balance_after_minor bigint not null,
  created_at timestamptz not null,
  constraint wallet_entries_pkey primary key (account_id, version),
  constraint amount_is_not_zero check (amount_minor <> 0),
  constraint balance_after_is_before_plus_amount
    check (balance_after_minor = balance_before_minor + amount_minor),
  constraint version_is_positive check (version > 0),
  constraint account_has_the_currency foreign key (account_id, currency)
    references public.wallet_accounts (id, currency)
);

comment on table public.wallet_entries is
  'Append-only double entries: each posted transaction writes one debit (amount < 0) and one '
  'credit (amount > 0). version is the account''s gap-free sequence; balance before/after let '
  'history be checked without replaying it; created_at is taken under the account lock, so it '
  'never goes back along an account''s versions (balance at a point in time).';

-- ============================================================================
-- indexes
-- ============================================================================
create unique index wallet_accounts_one_per_user_currency_idx
  on public.wallet_accounts (user_id, currency) where kind = 'user';
create unique index wallet_accounts_one_platform_account_idx
  on public.wallet_accounts (kind, coalesce(provider, ''), currency) where kind <> 'user';
create index wallet_accounts_organisation_id_idx on public.wallet_accounts (organisation_id);
-- Resolution and reversal happen at most once; a provider event moves money at most once.
create unique index wallet_transactions_pending_id_key
  on public.wallet_transactions (pending_id) where pending_id is not null;
create unique index wallet_transactions_reverses_id_key
  on public.wallet_transactions (reverses_id) where reverses_id is not null;
create unique index wallet_transactions_external_ref_key
  on public.wallet_transactions (external_ref) where external_ref is not null;
-- A user's transactions by either side (RLS, listing).
create index wallet_transactions_debit_account_id_idx on public.wallet_transactions (debit_account_id);
create index wallet_transactions_credit_account_id_idx on public.wallet_transactions (credit_account_id);
create index wallet_entries_transaction_id_idx on public.wallet_entries (transaction_id);

-- ============================================================================
-- triggers: transactions and entries are never edited
-- ============================================================================
-- A mistake is corrected by a reversal, never by an edit: the generic private.rows_are_append_only
-- (audit migration 20261128200100) refuses UPDATE, DELETE and TRUNCATE for every role.
create trigger tallyq_wallet_transactions_are_append_only
  before update or delete on public.wallet_transactions
  for each row execute function private.rows_are_append_only();
create trigger tallyq_wallet_transactions_are_never_truncated
  before truncate on public.wallet_transactions
  for each statement execute function private.rows_are_append_only();
create trigger tallyq_wallet_entries_are_append_only
  before update or delete on public.wallet_entries
  for each row execute function private.rows_are_append_only();
create trigger tallyq_wallet_entries_are_never_truncated
  before truncate on public.wallet_entries
  for each statement execute function private.rows_are_append_only();

-- ============================================================================
-- helpers
-- ============================================================================
create function private.wallet_readable_account_ids()
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select a.id from public.wallet_accounts as a where a.user_id = (select auth.uid())
  union
  select a.id from public.wallet_accounts as a
  where a.organisation_id in (select private.user_org_ids('{owner,admin}'))
$$;

comment on function private.wallet_readable_account_ids() is
  'Accounts the caller may read: their own, and those of organisations they own or administer. '
  'Use in policies as `account_id in (select private.wallet_readable_account_ids())`.';

-- ============================================================================
-- RLS
-- ============================================================================
alter table public.wallet_accounts enable row level security;
alter table public.wallet_transactions enable row level security;
alter table public.wallet_entries enable row level security;

create policy "Users read their own accounts; owners and admins their organisation's"
  on public.wallet_accounts for select to authenticated
  using (id in (select private.wallet_readable_account_ids()));

create policy "Users read transactions of accounts they may read"
  on public.wallet_transactions for select to authenticated
  using (debit_account_id in (select private.wallet_readable_account_ids())
         or credit_account_id in (select private.wallet_readable_account_ids()));

create policy "Users read entries of accounts they may read"
  on public.wallet_entries for select to authenticated
  using (account_id in (select private.wallet_readable_account_ids()));

create policy "Service role reads every account"
  on public.wallet_accounts for select to service_role using (true);
create policy "Service role reads every transaction"
  on public.wallet_transactions for select to service_role using (true);
create policy "Service role reads every entry"
  on public.wallet_entries for select to service_role using (true);

-- No insert/update/delete policies or grants for anyone: money moves only through the ledger
-- functions (security definer), so every write keeps the invariants.

-- ============================================================================
-- grants
-- ============================================================================
revoke all on public.wallet_accounts, public.wallet_transactions, public.wallet_entries
  from public, anon, authenticated, service_role;
grant select on public.wallet_accounts, public.wallet_transactions, public.wallet_entries
  to authenticated, service_role;
revoke all on function private.rows_are_append_only() from public, anon, authenticated;
revoke all on function private.wallet_readable_account_ids() from public, anon;
grant execute on function private.wallet_readable_account_ids() to authenticated, service_role;
