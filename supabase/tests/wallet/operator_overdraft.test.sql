-- public.wallet_set_overdraft: operators (service_role) allow or forbid an account to go below zero
-- available; forbidding it is refused while the account is overdrawn; changes are audited.
begin;
\ir ../00_helpers/tests_schema.psql
\ir fixtures.psql
select plan(11);
select tests.wallet_seed();
select tests.wallet('owner') as owner, tests.wallet('member') as member,
       tests.wallet('stranger') as stranger \gset

create function tests.overdraft_as(p_actor text, p_account uuid, p_allow boolean)
returns text language sql set search_path = '' as $$
  select r ->> 'status' || ' ' || coalesce(r ->> 'error', (r #>> '{account,allow_overdraft}'))
  from tests.wallet_call(p_actor, format('public.wallet_set_overdraft(%L, %L)', p_account, p_allow)) as r
$$;
create function tests.overdraft_audits(p_account uuid)
returns integer language sql set search_path = '' as $$
  select count(*)::int from private.audit_log
  where table_name = 'wallet_accounts' and op = 'UPDATE' and changed_fields = '{allow_overdraft}'
    and record_pk = jsonb_build_object('id', p_account::text)
$$;

select throws_ok(format($$select tests.overdraft_as('member', %L, true)$$, :'member'), '42501',
  'permission denied for function wallet_set_overdraft', 'a user cannot grant themselves overdraft');
select is(tests.overdraft_as('service_role', gen_random_uuid(), true), '404 account_not_found', 'an unknown account is not found');
select is(tests.overdraft_as('service_role', :'member', null), '422 invalid_overdraft', 'allow must be given');

select is(tests.overdraft_as('service_role', :'member', true), '200 true', 'an operator allows overdraft');
select is(
  (select r ->> 'ok' from tests.wallet_call('member', format('public.wallet_transfer(%L, %L, 300, %L)', :'member', :'owner', 'EUR')) as r),
  'true', 'the empty account may now go below zero');
select is(tests.overdraft_as('service_role', :'member', false), '409 account_overdrawn',
  'overdraft cannot be forbidden while the account is overdrawn');
select tests.fund('member', 300);
select is(tests.overdraft_as('service_role', :'member', false), '200 false', 'back at zero it can');
select is(tests.overdraft_audits(:'member'), 2, 'both changes are in the audit log');
select is(tests.overdraft_as('service_role', :'member', false), '200 false', 'forbidding it again is a no-op');
select is(tests.overdraft_audits(:'member'), 2, 'that writes no audit row');

select tests.wallet_call('service_role', format('public.wallet_close_account(%L)', :'stranger'));
select is(tests.overdraft_as('service_role', :'stranger', true), '409 account_closed', 'a closed account cannot be changed');

select * from finish();
rollback;
