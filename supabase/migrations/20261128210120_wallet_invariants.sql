-- Ledger invariants stated once, as a query that returns violations (empty when all is well).
-- Called by reconciliation (20261128210140) and after every step of the randomized tests.

create function private.wallet_ledger_violations()
returns table (check_name text, subject_id uuid, detail jsonb)
language sql
stable
security definer
set search_path = ''
as $$
  -- Stored balance = Σ entries, version = number of entries.
  select 'balance_is_sum_of_entries', a.id,
         jsonb_build_object('balance', a.posted_balance_minor, 'sum', coalesce(e.total, 0),
                            'version', a.version, 'entries', coalesce(e.n, 0))
  from public.wallet_accounts as a
  left join (select x.account_id, sum(x.amount_minor) as total, count(*) as n, max(x.version) as top
             from public.wallet_entries as x group by x.account_id) as e on e.account_id = a.id
  where a.posted_balance_minor <> coalesce(e.total, 0) or a.version <> coalesce(e.n, 0)
     or a.version <> coalesce(e.top, 0)
  union all
  -- Each entry continues the previous one: versions 1, 2, 3 … and before = previous after.
  select 'version_chain_is_unbroken', c.account_id,
         jsonb_build_object('version', c.version, 'expected_version', c.expected_version,
                            'before', c.balance_before_minor, 'previous_after', c.previous_after)
  from (select x.account_id, x.version, x.balance_before_minor,
               row_number() over w as expected_version,
               coalesce(lag(x.balance_after_minor) over w, 0) as previous_after,
               x.created_at, lag(x.created_at) over w as previous_at
        from public.wallet_entries as x
        window w as (partition by x.account_id order by x.version)) as c
  where c.version <> c.expected_version or c.balance_before_minor <> c.previous_after
     or c.created_at < c.previous_at
  union all
  -- Posted kinds have one debit and one credit netting to zero; the others have no entries.
  select 'transaction_nets_to_zero', t.id,
         jsonb_build_object('kind', t.kind, 'entries', count(e.version), 'sum', coalesce(sum(e.amount_minor), 0),
                            'debit', t.debit_account_id, 'credit', t.credit_account_id)
  from public.wallet_transactions as t
  left join public.wallet_entries as e on e.transaction_id = t.id
  group by t.id
  having coalesce(sum(e.amount_minor), 0) <> 0
      or count(e.version) <> case when t.kind in ('pending', 'void', 'expire') then 0 else 2 end
      or (count(e.version) = 2 and (
            count(*) filter (where e.account_id = t.debit_account_id
                               and e.amount_minor = -t.amount_minor and e.currency = t.currency) <> 1
         or count(*) filter (where e.account_id = t.credit_account_id
                               and e.amount_minor = t.amount_minor and e.currency = t.currency) <> 1))
  union all
  -- A post never moves more than its pending reserved.
  select 'post_is_within_pending', t.id, jsonb_build_object('posted', t.amount_minor, 'reserved', p.amount_minor)
  from public.wallet_transactions as t
  join public.wallet_transactions as p on p.id = t.pending_id
  where t.amount_minor > p.amount_minor or (t.kind <> 'post' and t.amount_minor <> p.amount_minor)
  union all
  -- Pending reservations on accounts = Σ of open pendings; each pending resolved at most once.
  select 'pending_amounts_match_open_pendings', a.id,
         jsonb_build_object('pending_debits', a.pending_debits_minor, 'open_debits', coalesce(d.total, 0),
                            'pending_credits', a.pending_credits_minor, 'open_credits', coalesce(c.total, 0))
  from public.wallet_accounts as a
  left join (select t.debit_account_id as id, sum(t.amount_minor) as total
             from public.wallet_transactions as t
             where t.kind = 'pending'
               and not exists (select 1 from public.wallet_transactions as r where r.pending_id = t.id)
             group by 1) as d on d.id = a.id
  left join (select t.credit_account_id as id, sum(t.amount_minor) as total
             from public.wallet_transactions as t
             where t.kind = 'pending'
               and not exists (select 1 from public.wallet_transactions as r where r.pending_id = t.id)
             group by 1) as c on c.id = a.id
  where a.pending_debits_minor <> coalesce(d.total, 0) or a.pending_credits_minor <> coalesce(c.total, 0)
  union all
  -- The expiry work list holds exactly the open pendings.
  select 'open_pending_list_is_exact', t.id, jsonb_build_object('listed', o.transaction_id is not null)
  from public.wallet_transactions as t
  left join private.wallet_open_pendings as o on o.transaction_id = t.id
  where t.kind = 'pending'
    and (o.transaction_id is not null)
        = exists (select 1 from public.wallet_transactions as r where r.pending_id = t.id)
  union all
  -- No account is below zero where overdraft is off (a CHECK, stated again for the audit).
  select 'available_is_non_negative', a.id,
         jsonb_build_object('posted', a.posted_balance_minor, 'pending_debits', a.pending_debits_minor)
  from public.wallet_accounts as a
  where not a.allow_overdraft and a.posted_balance_minor - a.pending_debits_minor < 0
$$;

comment on function private.wallet_ledger_violations() is
  'Every ledger invariant as a query: balance = Σ entries, gap-free versions whose balances chain, '
  'each posted transaction = one debit + one credit netting to zero (pending/void/expire: none), '
  'pending totals = open pendings, no negative available balance without overdraft. Empty = well.';

revoke all on function private.wallet_ledger_violations() from public, anon, authenticated;
grant execute on function private.wallet_ledger_violations() to service_role;
