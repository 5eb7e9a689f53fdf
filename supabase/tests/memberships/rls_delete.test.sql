-- memberships × delete: owners and admins remove members, anyone may leave, the last owner stays.
begin;
\ir ../00_helpers/tests_schema.psql
select plan(10);
select tests.seed_tenancy() as acme_id \gset

select format('delete from public.memberships where organisation_id = %L and user_id = %L', :'acme_id', tests.user_id('member')) as remove_member \gset
select tests.rls_is('anon', :'remove_member', '42501: permission denied for table memberships', 'anon cannot remove members');
select tests.rls_is('stranger', :'remove_member', 'rows 0', 'a stranger removes nothing');
select tests.rls_is('member', :'remove_member', 'rows 1', 'a member can leave');
select tests.rls_is('admin', :'remove_member', 'rows 1', 'an admin removes a member');
select tests.rls_is('owner', :'remove_member', 'rows 1', 'the owner removes a member');
select tests.rls_is('service_role', :'remove_member', 'rows 1', 'service_role removes a member');

select tests.rls_is('member', format('delete from public.memberships where organisation_id = %L and user_id = %L', :'acme_id', tests.user_id('admin')),
  'rows 0', 'a member cannot remove an admin');
select tests.rls_is('admin', format('delete from public.memberships where organisation_id = %L and user_id = %L', :'acme_id', tests.user_id('owner')),
  'rows 0', 'an admin cannot remove the owner');
select tests.rls_is('owner', format('delete from public.memberships where organisation_id = %L and user_id = %L', :'acme_id', tests.user_id('owner')),
  '23514: An organisation must keep at least one owner', 'the last owner cannot leave');
select tests.rls_is('service_role', format('delete from public.memberships where organisation_id = %L and user_id = %L', :'acme_id', tests.user_id('owner')),
  '23514: An organisation must keep at least one owner', 'not even service_role removes the last owner');

select * from finish();
rollback;
