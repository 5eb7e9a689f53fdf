-- public.wallet_close_account: operators (service_role) close an account with a zero balance and
-- no pending transfers; every other caller and every other state is refused; the close is audited
-- and a closed account takes part in no transfer.
begin;
\ir ../00_helpers/tests_schema.psql
\ir fixtures.psql
select plan(11);
select tests.wallet_seed();
select tests.wallet('owner') as owner, tests.wallet('member') as member,
       tests.wallet('stranger') as stranger, tests.wallet('admin') as admin \gset

create function tests.close_as(p_actor text, p_account uuid)
returns text language sql set search_path = '' as $$
  select r ->> 'status' || ' ' || coalesce(r ->> 'error', 'closed')
  from tests.wallet_call(p_actor, format('public.wallet_close_account(%L)', p_account)) as r
$$;

select throws_ok(format($$select tests.close_as('owner', %L)$$, :'owner'), '42501',
  'permission denied for function wallet_close_account', 'a user cannot close even their own account');
select throws_ok(format($$select tests.close_as('anon', %L)$$, :'owner'), '42501',
  'permission denied for function wallet_close_account', 'anon cannot close an account');
select is(tests.close_as('service_role', gen_random_uuid()), '404 account_not_found', 'an unknown account is not found');
select is(tests.close_as('service_role', :'owner'), '409 account_has_balance', 'an account holding money stays open');

-- a pending credit to the admin's empty wallet blocks its closing, as it would a pending debit
select tests.wallet_call('owner', format('public.wallet_transfer(%L, %L, 100, %L, null, 60)', :'owner', :'admin', 'EUR'));
select is(tests.close_as('service_role', :'admin'), '409 account_has_pendings', 'an account with a pending transfer stays open');
select is(tests.close_as('service_role', :'owner'), '409 account_has_pendings', 'on either side of it');

select is(tests.close_as('service_role', :'stranger'), '200 closed', 'an empty account with nothing pending is closed');
select isnt((select closed_at from public.wallet_accounts where id = :'stranger'), null, 'closed_at is set');
select is(tests.close_as('service_role', :'stranger'), '409 account_closed', 'closing it again is refused');
select is(
  (select r ->> 'error' from tests.wallet_call('owner', format('public.wallet_transfer(%L, %L, 5, %L)', :'owner', :'stranger', 'EUR')) as r),
  'account_closed', 'a transfer to the closed account is refused');
select results_eq(
  format($$select changed_fields, actor_role from private.audit_log
           where table_name = 'wallet_accounts' and op = 'UPDATE' and record_pk = jsonb_build_object('id', %L::text)$$, :'stranger'),
  $$values ('{closed_at}'::text[], 'service_role')$$,
  'the close is in the audit log with the operator''s role');

select * from finish();
rollback;
