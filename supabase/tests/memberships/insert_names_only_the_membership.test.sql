-- memberships × insert, columns: a client adding a member names the organisation, the user and
-- the role; when it happened is the database's to record.
begin;
\ir ../00_helpers/tests_schema.psql
select plan(2);
select tests.seed_tenancy() as acme_id \gset

select tests.rls_is('owner', format('insert into public.memberships (organisation_id, user_id, role, created_at) values (%L, %L, ''member'', ''2000-01-01'')', :'acme_id', tests.user_id('stranger')),
  '42501: permission denied for table memberships', 'the owner cannot backdate a membership');
select tests.rls_is('owner', format('insert into public.memberships (organisation_id, user_id, role) values (%L, %L, ''member'')', :'acme_id', tests.user_id('stranger')),
  'rows 1', 'the owner adds a member naming organisation, user and role');

select * from finish();
rollback;
