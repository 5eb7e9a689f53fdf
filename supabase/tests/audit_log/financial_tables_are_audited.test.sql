-- Every financial table carries the audit triggers: the ten of issue 15 and any table whose name
-- looks financial, so a new one cannot land unaudited.
begin;
\ir ../00_helpers/tests_schema.psql
select plan(5);

create function pg_temp.unaudited_financial_tables()
returns setof text
language sql
as $$
  select c.oid::regclass::text
  from pg_catalog.pg_class as c
  join pg_catalog.pg_namespace as n on n.oid = c.relnamespace
  where c.relkind in ('r', 'p')
    and n.nspname in ('public', 'private')
    and c.relname ~ '^(wallet|payment|refund|invoice|subscription|momo|revolut|ledger|transfer|payout|charge|settlement|balance)'
    -- work tables derived from audited ones: idempotency outcomes of wallet_transactions (and
    -- rejected requests, which move no money), and the list of still-open pendings
    and c.oid::regclass::text not in ('private.wallet_idempotency_keys', 'private.wallet_open_pendings')
    -- the four statement triggers of private.enable_audit, all enabled
    and (select count(*) from pg_catalog.pg_trigger as t
         where t.tgrelid = c.oid and t.tgenabled = 'O'
           and t.tgname in ('tallyq_audit_insert', 'tallyq_audit_update', 'tallyq_audit_delete',
                            'tallyq_audit_truncate')) <> 4
  order by 1
$$;

select is_empty('select * from pg_temp.unaudited_financial_tables()',
  'every table with a financial name has the audit insert, update, delete and truncate triggers');

create table public.payouts (id uuid primary key default gen_random_uuid(), amount_minor bigint);
select results_eq('select * from pg_temp.unaudited_financial_tables()', $$values ('payouts')$$,
  'a new financial table without the audit is caught');
select private.enable_audit('public.payouts', null);
select is_empty('select * from pg_temp.unaudited_financial_tables()', 'and passes once audited');

-- The ledger's tables (2026112821… migrations) are audited once they exist.
select case when to_regclass('public.wallet_accounts') is null
  then skip('the ledger''s tables are not in this database', 2)
  else collect_tap(
    is((select count(*)::int from unnest(array[
          'wallet_accounts', 'wallet_transactions', 'wallet_entries', 'payments', 'payment_intents',
          'refunds', 'invoices', 'subscriptions', 'momo_transactions', 'revolut_transactions']) as t (name)
        where to_regclass('public.' || t.name) is not null
          and exists (select 1 from pg_catalog.pg_trigger as g
                      where g.tgrelid = ('public.' || t.name)::regclass and g.tgname = 'tallyq_audit_update')),
       10, 'the ten financial tables of issue 15 all exist and are audited'),
    is(tests.outcome_as('service_role',
         $$insert into public.wallet_discrepancies (check_name, detail) values ('audit_probe', '{"n": 1}')$$),
       'rows 1', 'a write to a financial table goes through'))
  end;
select * from finish();
rollback;
