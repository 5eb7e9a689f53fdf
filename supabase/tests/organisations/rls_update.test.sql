-- organisations × update: owners and admins rename; nobody flips `personal` through the API.
begin;
\ir ../00_helpers/tests_schema.psql
select plan(8);
select tests.seed_tenancy() as acme_id \gset

select format('update public.organisations set name = ''Renamed'' where id = %L', :'acme_id') as upd \gset
select tests.rls_is('anon', :'upd', '42501: permission denied for table organisations', 'anon cannot update organisations');
select tests.rls_is('stranger', :'upd', 'rows 0', 'a stranger updates nothing');
select tests.rls_is('member', :'upd', 'rows 0', 'a member cannot rename the organisation');
select tests.rls_is('admin', :'upd', 'rows 1', 'an admin renames the organisation');
select tests.rls_is('owner', :'upd', 'rows 1', 'the owner renames the organisation');
select tests.rls_is('service_role', :'upd', 'rows 1', 'service_role renames the organisation');
select tests.rls_is('owner', format('update public.organisations set personal = true where id = %L', :'acme_id'),
  '42501: permission denied for table organisations', 'the owner cannot change the personal flag');
select tests.rls_is('owner', format('update public.organisations set name = '' '' where id = %L', :'acme_id'),
  '23514: new row for relation "organisations" violates check constraint "name_is_not_blank"', 'a blank name is rejected');

select * from finish();
rollback;
