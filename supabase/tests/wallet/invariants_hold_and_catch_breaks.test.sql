-- wallet_ledger_violations: empty after a mix of operations, and names each kind of break
-- (made as the migration owner with the append-only triggers off, each undone by a savepoint).
begin;
\ir ../00_helpers/tests_schema.psql
\ir fixtures.psql
select plan(5);
select tests.wallet_seed();
select tests.wallet('owner') as owner, tests.wallet('member') as member \gset
select tests.wallet_call('owner', format('public.wallet_transfer(%L, %L, 100, %L)', :'owner', :'member', 'EUR')) #>> '{transfer,id}' as t1 \gset
select tests.wallet_call('owner', format('public.wallet_transfer(%L, %L, 500, %L, null, 60)', :'owner', :'member', 'EUR')) #>> '{transfer,id}' as p1 \gset
select tests.wallet_call('owner', format('public.wallet_post_pending(%L, 200)', :'p1'));
select tests.wallet_call('owner', format('public.wallet_transfer(%L, %L, 70, %L, null, 60)', :'owner', :'member', 'EUR'));
select tests.wallet_call('member', format('public.wallet_reverse(%L)', :'t1'));

select is_empty('select * from private.wallet_ledger_violations()', 'a well-kept ledger has no violations');

alter table public.wallet_accounts disable trigger all;
alter table public.wallet_entries disable trigger all;

savepoint s;
update public.wallet_accounts set posted_balance_minor = posted_balance_minor + 1 where id = :'member';
select array(select distinct check_name from private.wallet_ledger_violations())::text as v1 \gset
rollback to savepoint s;

update public.wallet_accounts set pending_debits_minor = 0 where id = :'owner';
select array(select distinct check_name from private.wallet_ledger_violations())::text as v2 \gset
rollback to savepoint s;

delete from public.wallet_entries where account_id = :'member' and version = 1;
select array(select distinct check_name from private.wallet_ledger_violations())::text as v3 \gset
rollback to savepoint s;

update public.wallet_entries set amount_minor = amount_minor - 1, balance_after_minor = balance_after_minor - 1
where account_id = :'owner' and version = 2;
select array(select distinct check_name from private.wallet_ledger_violations())::text as v4 \gset
rollback to savepoint s;

select is(:'v1'::text[], array['balance_is_sum_of_entries'], 'a stored balance that is not the sum of its entries is caught');
select is(:'v2'::text[], array['pending_amounts_match_open_pendings'], 'a reservation that does not match the open pendings is caught');
select ok(array['balance_is_sum_of_entries', 'transaction_nets_to_zero', 'version_chain_is_unbroken'] <@ :'v3'::text[],
  'a deleted entry breaks the sums, the transaction and the version chain');
select ok('transaction_nets_to_zero' = any(:'v4'::text[]), 'an entry edited out of balance is caught');

select * from finish();
rollback;
