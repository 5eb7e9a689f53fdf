-- Ledger metrics follow the ledger: null without one; with one, transfers per minute and the last
-- reconciliation's discrepancies are numbers read through indexes.
begin;
\ir ../00_helpers/tests_schema.psql
select plan(2);
select to_regclass('public.wallet_transactions') is not null as has_ledger \gset
\if :has_ledger
select ok((private.ops_metrics() -> 'ledger' ->> 'transfers_per_minute') ~ '^\d+$', 'transfers per minute is a count');
select ok((private.ops_metrics() -> 'ledger' ->> 'reconciliation_discrepancies') ~ '^\d+$', 'discrepancies is a count');
\else
select is(private.ops_metrics() -> 'ledger', 'null'::jsonb, 'no ledger in this database: ledger metrics are null');
select is(private._ledger_metrics(now()), null, 'and the helper says so');
\endif
select * from finish();
rollback;
