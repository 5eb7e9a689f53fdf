-- Two-phase transfers: pending reserves, post in full or in part, void, each resolves once.
begin;
\ir ../00_helpers/tests_schema.psql
\ir fixtures.psql
select plan(14);
select tests.wallet_seed();
select tests.wallet('owner') as owner, tests.wallet('member') as member \gset

create function tests.pending(p_amount bigint) returns text language sql set search_path = '' as $$
  select tests.wallet_call('owner', format('public.wallet_transfer(%L, %L, %s, %L, null, 60)',
    tests.wallet('owner'), tests.wallet('member'), p_amount, 'EUR')) #>> '{transfer,id}'
$$;
create function tests.resolve(p_actor text, p_call text) returns text language sql set search_path = '' as $$
  select r ->> 'status' || ' ' || coalesce(r ->> 'error', r #>> '{transfer,kind}')
  from tests.wallet_call(p_actor, p_call) as r
$$;

select tests.pending(3000) as p1 \gset
select is(tests.balances(:'owner'), '10000/3000/0/1', 'a pending reserves on the source without entries');
select is(tests.balances(:'member'), '0/0/3000/0', 'and shows as a pending credit on the destination');
select is((private.wallet_transfer_json(:'p1'::uuid)) ->> 'status', 'pending', 'it reads as pending');

select is(tests.resolve('member', format('public.wallet_post_pending(%L)', :'p1')), '404 transfer_not_found', 'only the source owner can post it');
select is(tests.resolve('owner', format('public.wallet_post_pending(%L, 3001)', :'p1')), '422 amount_exceeds_pending', 'posting more than reserved is rejected');
select is(tests.resolve('owner', format('public.wallet_post_pending(%L, 1200)', :'p1')), '201 post', 'a partial post succeeds');
select is(tests.balances(:'owner'), '8800/0/0/2', 'it posts the part and releases the whole reservation');
select is(tests.balances(:'member'), '1200/0/0/1', 'the destination receives the posted part');
select is(tests.resolve('owner', format('public.wallet_post_pending(%L)', :'p1')), '422 transfer_not_pending', 'a pending posts at most once');
select is(tests.resolve('owner', format('public.wallet_void_pending(%L)', :'p1')), '422 transfer_not_pending', 'a posted pending cannot be voided');
select is((private.wallet_transfer_json(:'p1'::uuid)) ->> 'status', 'posted', 'the pending now reads as posted');

select tests.pending(500) as p2 \gset
select is(tests.resolve('owner', format('public.wallet_void_pending(%L)', :'p2')), '201 void', 'a pending can be voided');
select is(tests.balances(:'owner'), '8800/0/0/2', 'voiding releases the reservation and posts nothing');
select tests.wallet_call('owner', format('public.wallet_transfer(%L, %L, 5, %L)', :'owner', :'member', 'EUR')) #>> '{transfer,id}' as t1 \gset
select is(tests.resolve('owner', format('public.wallet_post_pending(%L)', :'t1')),
  '422 transfer_not_pending', 'a posted transfer is not a pending');

select * from finish();
rollback;
