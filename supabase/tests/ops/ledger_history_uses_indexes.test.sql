-- Database hygiene for the ledger at realistic row counts: 20,202 accounts, 100,000 transfers and
-- 200,000 entries (20,000 on the member's account, 100,000 on a clearing account). The wallet
-- API's hot reads, run as the member through RLS with the SQL of ledger/wallet-port.ts - the
-- account list and the history pages (entries by account, newest first, keyset by version) -
-- scan no ledger table sequentially, and a history page is an index scan of wallet_entries_pkey.
begin;
\ir ../00_helpers/tests_schema.psql
select plan(7);
select tests.seed_tenancy() as acme_id \gset
select tests.create_user('bulk' || i) from generate_series(1, 200) as i;

set local session_replication_role = replica; -- bulk fixtures without the ledger's triggers
insert into public.wallet_accounts (kind, provider, currency, allow_overdraft)
values ('clearing', 'hygiene-test', 'EUR', true)
returning id as clearing_id \gset
insert into public.wallet_accounts (kind, user_id, organisation_id, currency)
select 'user', o.created_by, o.id, 'EUR' from public.organisations as o
where o.personal and o.created_by in (select tests.user_id('bulk' || n) from generate_series(1, 200) as n
                                      union all select tests.user_id('member'));
-- and the wallets of 20,000 more people (bulk rows: their users are not needed here)
insert into public.wallet_accounts (kind, user_id, currency, version, posted_balance_minor)
select 'user', gen_random_uuid(), 'EUR', 0, 0 from generate_series(1, 20000);
create temp table wallets on commit drop as
select (row_number() over (order by a.user_id = tests.user_id('member') desc, a.id) - 1)::int as i, a.id
from public.wallet_accounts as a
where a.kind = 'user' and a.user_id in (select tests.user_id('bulk' || n) from generate_series(1, 200) as n
                                        union all select tests.user_id('member'));
create temp table transfers on commit drop as
select gen_random_uuid() as id, g, w.id as account_id, now() - make_interval(secs => 100000 - g) as at
from generate_series(1, 100000) as g
join wallets as w on w.i = case when g <= 20000 then 0 else 1 + g % 200 end;
insert into public.wallet_transactions (id, kind, debit_account_id, credit_account_id, amount_minor, currency, created_at)
select t.id, 'transfer', :'clearing_id', t.account_id, 100, 'EUR', t.at from transfers as t;
insert into public.wallet_entries
  (account_id, version, transaction_id, amount_minor, currency, balance_before_minor, balance_after_minor, created_at)
select t.account_id, t.v, t.id, 100, 'EUR', (t.v - 1) * 100, t.v * 100, t.at
from (select *, row_number() over (partition by account_id order by g) as v from transfers) as t
union all
select :'clearing_id', t.g, t.id, -100, 'EUR', -(t.g - 1) * 100, -t.g * 100, t.at from transfers as t;
update public.wallet_accounts as a set version = c.n, posted_balance_minor = c.n * 100
from (select account_id, count(*) as n from transfers group by account_id) as c where a.id = c.account_id;
set local session_replication_role = origin;
analyze public.wallet_accounts;
analyze public.wallet_transactions;
analyze public.wallet_entries;

select id as member_account from public.wallet_accounts where user_id = tests.user_id('member') \gset

create function pg_temp.scans(p_rel regclass, out seq bigint, out idx bigint) language sql as
  $$select coalesce(s.seq_scan, 0), coalesce(s.idx_scan, 0)
    from (select 1) as one left join pg_stat_xact_user_tables as s on s.relid = p_rel$$;
create temp table seen (rel regclass, seq bigint, idx bigint) on commit drop;
insert into seen select r, (pg_temp.scans(r)).seq, (pg_temp.scans(r)).idx
from unnest(array['public.wallet_accounts', 'public.wallet_transactions', 'public.wallet_entries']::regclass[]) as r;
create function pg_temp.new_seq_scans() returns text[] language sql as $$
  select coalesce(array_agg(format('%s +%s', s.rel, (pg_temp.scans(s.rel)).seq - s.seq) order by s.rel::text)
    filter (where (pg_temp.scans(s.rel)).seq > s.seq), '{}') from seen as s$$;
-- EXPLAIN as the caller (RLS applies), for the plan assertion below
create function tests.plan_of(p_sql text) returns text language plpgsql set search_path = '' as $$
declare
  v_line text;
  v_plan text := '';
begin
  for v_line in execute 'explain (costs off) ' || p_sql loop
    v_plan := v_plan || v_line || E'\n';
  end loop;
  return v_plan;
end;
$$;

-- the wallet API as the member: GET /wallet/accounts, then three pages of history
select tests.use('member');
create temp table accounts on commit drop as
select a.id, a.posted_balance_minor from public.wallet_accounts as a
where (null::uuid is null or a.id = null::uuid) order by a.currency, a.created_at, a.id;
\set history 'select e.version, e.transaction_id, e.amount_minor, e.balance_after_minor, e.created_at from public.wallet_entries as e where e.account_id = $1::uuid and ($2::bigint is null or e.version < $2::bigint) order by e.version desc limit 50'
prepare history (uuid, bigint) as :history;
create temp table page1 on commit drop as execute history(:'member_account', null);
select min(version) as next_cursor from page1 \gset
create temp table page2 on commit drop as execute history(:'member_account', :next_cursor);
create temp table oldest on commit drop as execute history(:'member_account', 60);
select tests.plan_of(format('select e.version from public.wallet_entries as e where e.account_id = %L '
  'and e.version < 19951 order by e.version desc limit 50', :'member_account')) as page_plan \gset
select tests.use('postgres');

select results_eq('select id, posted_balance_minor from accounts',
  format('values (%L::uuid, 2000000::bigint)', :'member_account'),
  'the member lists exactly their own account among 20,202');
select is((select array[count(*), max(version), min(version)] from page1), array[50, 20000, 19951]::bigint[],
  'the first page is the 50 newest entries');
select is((select array[count(*), max(version), min(version)] from page2), array[50, 19950, 19901]::bigint[],
  'the next page continues from the cursor');
select is((select array[count(*), max(version), min(version)] from oldest), array[50, 59, 10]::bigint[],
  'a page deep in the history is as cheap a read');
select is(pg_temp.new_seq_scans(), '{}'::text[],
  'account list and history pages: no sequential scan of wallet_accounts, wallet_transactions or wallet_entries');
select cmp_ok((select (pg_temp.scans('public.wallet_entries')).idx - s.idx from seen as s
               where s.rel = 'public.wallet_entries'::regclass), '>=', 3::bigint,
  'each history page is an index scan of wallet_entries');
select matches(:'page_plan'::text, 'Index (Only )?Scan Backward using wallet_entries_pkey on wallet_entries',
  'the planner walks the (account_id, version) key backwards: no sort of the account''s entries');

select * from finish();
rollback;
