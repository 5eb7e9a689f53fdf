-- wallet_transfer: every rejection is an outcome with a stable code, and moves no money.
begin;
\ir ../00_helpers/tests_schema.psql
\ir fixtures.psql
select plan(13);
select tests.wallet_seed();

create function tests.try(p_from text, p_to text, p_amount bigint, p_currency text default 'EUR',
                          p_timeout integer default null)
returns text language sql set search_path = '' as $$
  select r ->> 'status' || ' ' || (r ->> 'error')
  from tests.wallet_call('owner', format('public.wallet_transfer(%L, %L, %s, %L, null, %s)',
    p_from, p_to, p_amount, p_currency, coalesce(p_timeout::text, 'null'))) as r
$$;
select tests.wallet('owner') as owner, tests.wallet('member') as member,
       tests.wallet('stranger') as stranger, tests.wallet('member', 'USD') as member_usd \gset

select is(tests.try(:'owner', :'member', 0), '422 invalid_amount', 'zero amount is rejected');
select is(tests.try(:'owner', :'member', -5), '422 invalid_amount', 'negative amount is rejected');
select is(tests.try(:'owner', :'member', 5, 'eur'), '422 invalid_currency', 'a currency that is not ISO 4217 is rejected');
select is(tests.try(:'owner', :'owner', 5), '422 self_transfer', 'a transfer to the same account is rejected');
select is(tests.try(:'owner', :'member', 5, 'EUR', 0), '422 invalid_timeout', 'a pending with a non-positive timeout is rejected');
select is(tests.try(gen_random_uuid()::text, :'member', 5), '404 account_not_found', 'an unknown source account is rejected');
select is(tests.try(:'owner', gen_random_uuid()::text, 5), '404 account_not_found', 'an unknown destination account is rejected');
select is(tests.try(:'stranger', :'owner', 5), '404 account_not_found', 'someone else''s account cannot be debited (and is not revealed)');
select is(tests.try(:'owner', :'member_usd', 5), '422 currency_mismatch', 'accounts in different currencies are rejected (no implicit FX)');
select is(tests.try(:'owner', :'member', 10001), '422 insufficient_funds', 'more than the balance is rejected');

-- A pending reservation counts against what is available.
select tests.try(:'owner', :'member', 9000, 'EUR', 60);
select is(tests.try(:'owner', :'member', 1001), '422 insufficient_funds', 'pending debits reduce the available balance');

set local role postgres;
update public.wallet_accounts set closed_at = now() where id = :'member';
select is(tests.try(:'owner', :'member', 5), '422 account_closed', 'a closed account is rejected');

select is(tests.balances(:'owner'), '10000/9000/0/1', 'no rejection moved money or wrote entries');

select * from finish();
rollback;
