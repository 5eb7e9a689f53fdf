-- memberships × insert: owners and admins add members, only owners add owners, nobody adds themselves.
begin;
\ir ../00_helpers/tests_schema.psql
select plan(9);
select tests.seed_tenancy() as acme_id \gset

select format('insert into public.memberships (organisation_id, user_id) values (%L, %L)', :'acme_id', tests.user_id('stranger')) as add_stranger \gset
select tests.rls_is('anon', :'add_stranger', '42501: permission denied for table memberships', 'anon cannot add members');
select tests.rls_is('stranger', :'add_stranger', '42501: new row violates row-level security policy for table "memberships"', 'a stranger cannot add themselves');
select tests.rls_is('member', :'add_stranger', '42501: new row violates row-level security policy for table "memberships"', 'a member cannot add members');
select tests.rls_is('admin', :'add_stranger', 'rows 1', 'an admin adds a member');
select tests.rls_is('owner', :'add_stranger', 'rows 1', 'the owner adds a member');
select tests.rls_is('service_role', :'add_stranger', 'rows 1', 'service_role adds a member');

select format('insert into public.memberships (organisation_id, user_id, role) values (%L, %L, ''owner'')', :'acme_id', tests.user_id('stranger')) as add_owner \gset
select tests.rls_is('admin', :'add_owner', '42501: new row violates row-level security policy for table "memberships"', 'an admin cannot add an owner');
select tests.rls_is('owner', :'add_owner', 'rows 1', 'the owner adds another owner');
select tests.rls_is('stranger', format('insert into public.memberships (organisation_id, user_id, role) values (%L, %L, ''owner'')', tests.personal_org_id('member'), tests.user_id('stranger')),
  '42501: new row violates row-level security policy for table "memberships"', 'a stranger cannot make themselves owner of someone else''s organisation');

select * from finish();
rollback;
