-- Two-phase expiry: past its timeout a pending can never be posted; the job releases it once.
begin;
\ir ../00_helpers/tests_schema.psql
\ir fixtures.psql
select plan(9);
select tests.wallet_seed();
select tests.wallet('owner') as owner \gset

select tests.wallet_call('owner', format('public.wallet_transfer(%L, %L, 400, %L, null, 1)', :'owner', tests.wallet('member'), 'EUR')) #>> '{transfer,id}' as p1 \gset
select tests.wallet_call('owner', format('public.wallet_transfer(%L, %L, 300, %L, null, 1)', :'owner', tests.wallet('member'), 'EUR')) #>> '{transfer,id}' as p2 \gset
select tests.wallet_call('owner', format('public.wallet_transfer(%L, %L, 200, %L, null, 3600)', :'owner', tests.wallet('member'), 'EUR')) #>> '{transfer,id}' as p3 \gset
select is(tests.balances(:'owner'), '10000/900/0/1', 'three pendings reserve 900');
select pg_sleep(1.2);

select is(tests.wallet_call('owner', format('public.wallet_post_pending(%L)', :'p1')) ->> 'error', 'pending_expired',
  'posting after the timeout fails, even before the job ran');
select is((private.wallet_transfer_json(:'p1'::uuid)) ->> 'status', 'expired', 'and expires it on the spot');
select ok(private.wallet_expire_pendings() >= 1, 'the job expires overdue pendings');
select is((private.wallet_transfer_json(:'p2'::uuid)) ->> 'status', 'expired', 'the other overdue pending is expired');
select is((private.wallet_transfer_json(:'p3'::uuid)) ->> 'status', 'pending', 'the live one is left alone');
select is(private.wallet_expire_pendings(), 0, 'running it again changes nothing');
select is(tests.balances(:'owner'), '10000/200/0/1', 'expired reservations are released, the live one stays');
select is((select count(*) from public.wallet_transactions where kind = 'expire' and debit_account_id = :'owner'), 2::bigint, 'each expiry is one expire transaction');

select * from finish();
rollback;
