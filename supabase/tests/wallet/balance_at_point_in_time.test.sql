-- wallet_balance_at: the posted balance at any past moment; only for accounts the caller reads.
begin;
\ir ../00_helpers/tests_schema.psql
\ir fixtures.psql
select plan(5);
select tests.wallet_seed();
select tests.wallet('owner') as owner, tests.wallet('member') as member \gset
select clock_timestamp() as t1 \gset
select tests.wallet_call('owner', format('public.wallet_transfer(%L, %L, 300, %L)', :'owner', :'member', 'EUR'));
select clock_timestamp() as t2 \gset
select tests.wallet_call('owner', format('public.wallet_transfer(%L, %L, 200, %L)', :'owner', :'member', 'EUR'));

select is(public.wallet_balance_at(:'owner', :'t1'), 10000::bigint, 'after funding, before the transfers');
select is(public.wallet_balance_at(:'owner', :'t2'), 9700::bigint, 'between the two transfers');
select is(public.wallet_balance_at(:'owner', clock_timestamp()), 9500::bigint, 'now');
select is(public.wallet_balance_at(:'owner', '2000-01-01'), 0::bigint, 'before the account had entries');
select is(tests.wallet_call('stranger', format('to_jsonb(public.wallet_balance_at(%L, now()))', :'owner'))::text::bigint, 0::bigint,
  'a stranger learns nothing about another account');

select * from finish();
rollback;
