-- Wallet reads use indexes however many accounts there are. Every wallet read (GET
-- /wallet/accounts, each history page) goes through RLS on wallet_accounts and
-- private.wallet_readable_account_ids(); at 20,000 accounts both scanned every account:
-- - `user_id = auth.uid()` could not use the partial index wallet_accounts_one_per_user_currency_idx
--   (… where kind = 'user'). Only user accounts have a user_id (user_accounts_have_a_user), so
--   adding kind = 'user' changes no answer and lets the index serve;
-- - the policy's `id in (select <set-returning function>)` is a hashed filter over a scan of the
--   whole table (RLS quals are never pulled up into joins). `= any (array(select …))` is computed
--   once and probes the indexes (a bitmap OR of user_id and organisation_id).
-- Same readers as 20261128210100; supabase/tests/ops/ledger_history_uses_indexes.test.sql keeps it.

-- ============================================================================
-- RLS
-- ============================================================================
drop policy "Users read their own accounts; owners and admins their organisation's"
  on public.wallet_accounts;
create policy "Users read their own accounts; owners and admins their organisation's"
  on public.wallet_accounts for select to authenticated
  using (
    (kind = 'user' and user_id = (select auth.uid()))
    or organisation_id = any (array(select private.user_org_ids('{owner,admin}')))
  );

-- ============================================================================
-- functions
-- ============================================================================
create or replace function private.wallet_readable_account_ids()
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select a.id from public.wallet_accounts as a
  where a.kind = 'user' and a.user_id = (select auth.uid())
  union
  select a.id from public.wallet_accounts as a
  where a.organisation_id = any (array(select private.user_org_ids('{owner,admin}')))
$$;
