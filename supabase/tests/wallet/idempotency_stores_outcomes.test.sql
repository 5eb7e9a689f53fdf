-- Idempotency-Key: a replay returns the stored outcome (success or business failure), a changed
-- request is refused naming the field, keys are per caller, and no key means no deduplication.
begin;
\ir ../00_helpers/tests_schema.psql
\ir fixtures.psql
select plan(12);
select tests.wallet_seed();
select tests.wallet('owner') as owner, tests.wallet('member') as member \gset
select format('public.wallet_transfer(%L, %L, 100, %L, null, null, %L)', :'owner', :'member', 'EUR', 'key-1') as call \gset

select tests.wallet_call('owner', :'call') as first \gset
select tests.wallet_call('owner', :'call') as second \gset
select is((:'second'::jsonb) - 'replayed', (:'first'::jsonb) - 'replayed', 'a replay returns the same outcome');
select is((:'second'::jsonb) ->> 'replayed', 'true', 'and says it is a replay');
select is(tests.balances(:'owner'), '9900/0/0/2', 'the transfer was applied once');

select is(tests.wallet_call('owner', format('public.wallet_transfer(%L, %L, 100, %L, null, null, %L)', :'owner', tests.wallet('admin'), 'EUR', 'key-1')) ->> 'message',
  'Idempotency-Key was used for a different request (to_account_id differs)',
  'a changed request is refused naming the field that differs');
select is(tests.wallet_call('owner', format('public.wallet_transfer(%L, %L, 100, %L, null, null, %L)', :'owner', tests.wallet('admin'), 'EUR', 'key-1')) ->> 'error',
  'idempotency_key_reused', 'with the stable code idempotency_key_reused');

-- A business failure is stored too: the same request fails the same way even after funding.
select tests.wallet_call('owner', format('public.wallet_transfer(%L, %L, 20000, %L, null, null, %L)', :'owner', :'member', 'EUR', 'key-2')) as failed \gset
select tests.fund('owner', 50000);
select is(tests.wallet_call('owner', format('public.wallet_transfer(%L, %L, 20000, %L, null, null, %L)', :'owner', :'member', 'EUR', 'key-2')) - 'replayed',
  (:'failed'::jsonb) - 'replayed', 'a stored business failure replays as the same failure');
select is(tests.balances(:'member'), '100/0/0/1', 'so the failed request never moves money later');

-- Keys belong to the caller: another user may use the same key string.
select tests.fund('stranger', 500);
select is(tests.wallet_call('stranger', format('public.wallet_transfer(%L, %L, 100, %L, null, null, %L)', tests.wallet('stranger'), :'member', 'EUR', 'key-1')) ->> 'replayed',
  'false', 'the same key from another caller is a new request');

-- Without a key every call is a new transfer.
select tests.wallet_call('owner', format('public.wallet_transfer(%L, %L, 1, %L)', :'owner', :'member', 'EUR'));
select tests.wallet_call('owner', format('public.wallet_transfer(%L, %L, 1, %L)', :'owner', :'member', 'EUR'));
select is(tests.balances(:'member'), '202/0/0/4', 'without a key two identical calls are two transfers');
select is((select count(*) from private.wallet_idempotency_keys where scope in (tests.user_id('owner')::text, tests.user_id('stranger')::text)), 3::bigint, 'one stored outcome per caller and key');

-- A replay answers what the first call answered, even after the transfer changed state since.
select format('public.wallet_transfer(%L, %L, 40, %L, null, 60, %L)', :'owner', :'member', 'EUR', 'key-3') as pcall \gset
select tests.wallet_call('owner', :'pcall') as pfirst \gset
select tests.wallet_call('owner', format('public.wallet_post_pending(%L)', (:'pfirst'::jsonb) #>> '{transfer,id}'));
select is((tests.wallet_call('owner', :'pcall')) - 'replayed', (:'pfirst'::jsonb) - 'replayed',
  'a replay of a pending that was posted since returns the original answer');
select is((tests.wallet_call('owner', :'pcall')) #>> '{transfer,status}', 'pending', 'status as first answered');

select * from finish();
rollback;
