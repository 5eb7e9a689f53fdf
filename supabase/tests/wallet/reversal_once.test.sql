-- Reversal: a new linked transaction, by the recipient or service_role, at most once.
begin;
\ir ../00_helpers/tests_schema.psql
\ir fixtures.psql
select plan(9);
select tests.wallet_seed();
select tests.wallet('owner') as owner, tests.wallet('member') as member \gset

select tests.wallet_call('owner', format('public.wallet_transfer(%L, %L, 700, %L)', :'owner', :'member', 'EUR')) #>> '{transfer,id}' as t1 \gset
create function tests.rev(p_actor text, p_id text) returns text language sql set search_path = '' as $$
  select r ->> 'status' || ' ' || coalesce(r ->> 'error', r #>> '{transfer,kind}')
  from tests.wallet_call(p_actor, format('public.wallet_reverse(%L)', p_id)) as r
$$;

select is(tests.rev('owner', :'t1'), '404 transfer_not_found', 'the sender cannot pull money back');
select is(tests.rev('member', :'t1'), '201 reversal', 'the recipient can reverse it');
select is(tests.balances(:'owner'), '10000/0/0/3', 'the sender has the money back, with a new entry');
select is(tests.balances(:'member'), '0/0/0/2', 'the recipient gives it back, with a new entry');
select is((select reverses_id::text from public.wallet_transactions where kind = 'reversal' and credit_account_id = :'owner'), :'t1', 'the reversal names the original');
select is(tests.rev('member', :'t1'), '422 transfer_already_reversed', 'a transfer is reversed at most once');
select is(tests.rev('service_role', (select id::text from public.wallet_transactions where reverses_id = :'t1')),
  '422 transfer_not_reversible', 'a reversal is not itself reversible');

select tests.wallet_call('owner', format('public.wallet_transfer(%L, %L, 50, %L)', :'owner', :'member', 'EUR')) #>> '{transfer,id}' as t2 \gset
select tests.wallet_call('member', format('public.wallet_transfer(%L, %L, 50, %L)', :'member', tests.wallet('admin'), 'EUR'));
select is(tests.rev('member', :'t2'), '422 insufficient_funds', 'a recipient who spent the money cannot reverse');
select is(tests.rev('service_role', gen_random_uuid()::text), '404 transfer_not_found', 'an unknown transfer is not found');

select * from finish();
rollback;
