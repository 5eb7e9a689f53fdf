-- memberships × update: owners change any role, admins only non-owner roles; keys never change.
begin;
\ir ../00_helpers/tests_schema.psql
select plan(11);
select tests.seed_tenancy() as acme_id \gset

select format('update public.memberships set role = ''admin'' where organisation_id = %L and user_id = %L', :'acme_id', tests.user_id('member')) as promote \gset
select tests.rls_is('anon', :'promote', '42501: permission denied for table memberships', 'anon cannot change roles');
select tests.rls_is('stranger', :'promote', 'rows 0', 'a stranger changes nothing');
select tests.rls_is('member', :'promote', 'rows 0', 'a member cannot promote themselves');
select tests.rls_is('admin', :'promote', 'rows 1', 'an admin promotes a member to admin');
select tests.rls_is('owner', :'promote', 'rows 1', 'the owner promotes a member to admin');
select tests.rls_is('service_role', :'promote', 'rows 1', 'service_role changes roles');

select tests.rls_is('admin', format('update public.memberships set role = ''owner'' where organisation_id = %L and user_id = %L', :'acme_id', tests.user_id('member')),
  '42501: new row violates row-level security policy for table "memberships"', 'an admin cannot make anyone owner');
select tests.rls_is('admin', format('update public.memberships set role = ''member'' where organisation_id = %L and user_id = %L', :'acme_id', tests.user_id('owner')),
  'rows 0', 'an admin cannot demote the owner');
select tests.rls_is('owner', format('update public.memberships set role = ''owner'' where organisation_id = %L and user_id = %L', :'acme_id', tests.user_id('member')),
  'rows 1', 'the owner makes another owner');
select tests.rls_is('owner', format('update public.memberships set user_id = %L where organisation_id = %L and user_id = %L', tests.user_id('stranger'), :'acme_id', tests.user_id('member')),
  '42501: permission denied for table memberships', 'nobody re-points a membership to another user');
select tests.rls_is('owner', format('update public.memberships set role = ''admin'' where organisation_id = %L and user_id = %L', :'acme_id', tests.user_id('owner')),
  '23514: An organisation must keep at least one owner', 'the last owner cannot step down');

select * from finish();
rollback;
