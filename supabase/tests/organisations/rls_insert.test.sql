-- organisations × insert: nobody but service_role inserts directly; create_organisation() is the way in.
begin;
\ir ../00_helpers/tests_schema.psql
select plan(6);
select tests.seed_tenancy() as acme_id \gset

\set ins 'insert into public.organisations (name) values (''Mine'')'
select tests.rls_is('anon', :'ins', '42501: permission denied for table organisations', 'anon cannot insert organisations');
select tests.rls_is('stranger', :'ins', '42501: permission denied for table organisations', 'a stranger cannot insert organisations');
select tests.rls_is('member', :'ins', '42501: permission denied for table organisations', 'a member cannot insert organisations');
select tests.rls_is('admin', :'ins', '42501: permission denied for table organisations', 'an admin cannot insert organisations');
select tests.rls_is('owner', :'ins', '42501: permission denied for table organisations', 'an owner cannot insert organisations');
select tests.rls_is('service_role', :'ins', 'rows 1', 'service_role inserts organisations');

select * from finish();
rollback;
