-- Usage: psql "$SUPABASE_DB_URL" -q -f scripts/sql/bench-wallet-reads.sql   (any migrated stack; rolls back)
--
-- A user's wallet reads side by side at 20,202 accounts (20,000 entries on the user's account):
-- the RLS of 20261129200400 (wallet_accounts policy and wallet_readable_account_ids probing
-- indexes) against the one it replaced (20261128210100, restored below inside the transaction),
-- on the same data in the same run. The reads are the wallet API's (ledger/wallet-port.ts):
-- GET /wallet/accounts, and a history page (entries by account, keyset by version). Prints
-- milliseconds per read, median of the runs. Nothing is committed.
\set runs 200
begin;
\ir ../../supabase/tests/00_helpers/tests_schema.psql
select tests.seed_tenancy() \gset
set local session_replication_role = replica; -- bulk fixtures without the ledger's triggers
insert into public.wallet_accounts (kind, user_id, currency)
select 'user', gen_random_uuid(), 'EUR' from generate_series(1, 20200);
insert into public.wallet_accounts (kind, provider, currency, allow_overdraft)
values ('clearing', 'bench', 'EUR', true) returning id as clearing_id \gset
insert into public.wallet_accounts (kind, user_id, organisation_id, currency)
select 'user', o.created_by, o.id, 'EUR' from public.organisations as o
where o.personal and o.created_by = tests.user_id('member')
returning id as member_account \gset
insert into public.wallet_transactions (id, kind, debit_account_id, credit_account_id, amount_minor, currency)
select md5(g::text)::uuid, 'transfer', :'clearing_id', :'member_account', 100, 'EUR'
from generate_series(1, 20000) as g;
insert into public.wallet_entries
  (account_id, version, transaction_id, amount_minor, currency, balance_before_minor, balance_after_minor, created_at)
select :'member_account', g, md5(g::text)::uuid, 100, 'EUR', (g - 1) * 100, g * 100, now()
from generate_series(1, 20000) as g;
set local session_replication_role = origin;
analyze public.wallet_accounts;
analyze public.wallet_entries;

-- median milliseconds of p_runs executions of p_sql, as the calling role (RLS applies)
create function tests.median_ms(p_sql text, p_runs integer) returns numeric language plpgsql as $$
declare
  v_times numeric[] := '{}';
  v_started timestamptz;
begin
  for i in 1 .. p_runs loop
    v_started := clock_timestamp();
    execute p_sql;
    v_times := v_times || extract(epoch from clock_timestamp() - v_started)::numeric * 1000;
  end loop;
  return round((select percentile_cont(0.5) within group (order by t) from unnest(v_times) as t)::numeric, 3);
end;
$$;
create temp table results (rls text, read text, median_ms numeric) on commit drop;
grant insert on results to authenticated;
\set list 'select count(*) from (select a.id from public.wallet_accounts as a order by a.currency, a.created_at, a.id) as x'
\set page 'select count(*) from (select e.version from public.wallet_entries as e where e.account_id = ''' :member_account ''' and e.version < 10000 order by e.version desc limit 50) as x'

select tests.use('member');
insert into results values
  ('20261129200400 (indexes)', 'GET /wallet/accounts', tests.median_ms(:'list', :runs)),
  ('20261129200400 (indexes)', 'history page', tests.median_ms(:'page', :runs));
select tests.use('postgres');

-- the replaced RLS, verbatim from 20261128210100
drop policy "Users read their own accounts; owners and admins their organisation's" on public.wallet_accounts;
create policy "Users read their own accounts; owners and admins their organisation's"
  on public.wallet_accounts for select to authenticated
  using (id in (select private.wallet_readable_account_ids()));
create or replace function private.wallet_readable_account_ids()
returns setof uuid language sql stable security definer set search_path = '' as $$
  select a.id from public.wallet_accounts as a where a.user_id = (select auth.uid())
  union
  select a.id from public.wallet_accounts as a
  where a.organisation_id in (select private.user_org_ids('{owner,admin}'))
$$;

select tests.use('member');
insert into results values
  ('20261128210100 (replaced)', 'GET /wallet/accounts', tests.median_ms(:'list', :runs)),
  ('20261128210100 (replaced)', 'history page', tests.median_ms(:'page', :runs));
select tests.use('postgres');

select read, rls, median_ms from results order by read, rls desc;
rollback;
