-- audit_log × every command: owners and admins read their organisation's records; nobody writes.
begin;
\ir ../00_helpers/tests_schema.psql
select plan(10);
select tests.seed_tenancy() as acme_id \gset

-- seed_tenancy wrote 4 acme records: the organisation and its three memberships.
select format('select 1 from public.audit_log where organisation_id = %L', :'acme_id') as sel \gset
select tests.rls_is('anon', :'sel', '42501: permission denied for view audit_log', 'anon cannot read the audit log');
select tests.rls_is('stranger', :'sel', 'rows 0', 'a stranger sees no acme records');
select tests.rls_is('member', :'sel', 'rows 0', 'a plain member sees no audit records');
select tests.rls_is('admin', :'sel', 'rows 4', 'an admin reads the organisation''s records');
select tests.rls_is('owner', :'sel', 'rows 4', 'the owner reads the organisation''s records');
select tests.rls_is('service_role', :'sel', 'rows 4', 'service_role reads the records');

select tests.rls_is('owner', 'insert into public.audit_log (table_name, op) values (''organisations'', ''INSERT'')',
  '55000: cannot insert into view "audit_log"', 'the owner cannot forge records');
select tests.rls_is('owner', format('update public.audit_log set actor_id = null where organisation_id = %L', :'acme_id'),
  '55000: cannot update view "audit_log"', 'the owner cannot edit records');
select tests.rls_is('owner', format('delete from public.audit_log where organisation_id = %L', :'acme_id'),
  '55000: cannot delete from view "audit_log"', 'the owner cannot delete records');
select tests.rls_is('owner', 'select 1 from private.audit_log', 'rows 6', 'the private table obeys the same policy (acme 4 + personal organisation 2)');

select * from finish();
rollback;
