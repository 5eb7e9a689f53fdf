-- private.audit_log is append-only: UPDATE, DELETE and TRUNCATE fail for every role, the table
-- owner included (the owner is stopped by triggers, the API roles have no privilege at all).
begin;
\ir ../00_helpers/tests_schema.psql
select plan(15);
select tests.seed_tenancy() as acme_id \gset

select tests.rls_is('postgres', 'update private.audit_log set actor_id = null',
  '42501: private.audit_log is append-only: UPDATE is not allowed', 'the table owner cannot update records');
select tests.rls_is('postgres', 'delete from private.audit_log',
  '42501: private.audit_log is append-only: DELETE is not allowed', 'the table owner cannot delete records');
select tests.rls_is('postgres', 'truncate private.audit_log',
  '42501: private.audit_log is append-only: TRUNCATE is not allowed', 'the table owner cannot truncate');
select tests.rls_is('service_role', 'update private.audit_log set actor_id = null',
  '42501: permission denied for table audit_log', 'service_role cannot update records');
select tests.rls_is('service_role', 'delete from private.audit_log',
  '42501: permission denied for table audit_log', 'service_role cannot delete records');
select tests.rls_is('service_role', 'truncate private.audit_log',
  '42501: permission denied for table audit_log', 'service_role cannot truncate');
select tests.rls_is('service_role', 'insert into private.audit_log (table_schema, table_name, op) values (''public'', ''x'', ''INSERT'')',
  '42501: permission denied for table audit_log', 'service_role cannot forge a record (only the audit trigger writes)');
select tests.rls_is('owner', 'update private.audit_log set actor_id = null',
  '42501: permission denied for table audit_log', 'an organisation owner cannot update records');
select tests.rls_is('owner', 'delete from private.audit_log',
  '42501: permission denied for table audit_log', 'an organisation owner cannot delete records');
select tests.rls_is('owner', 'truncate private.audit_log',
  '42501: permission denied for table audit_log', 'an organisation owner cannot truncate');
select tests.rls_is('owner', 'insert into private.audit_log (table_schema, table_name, op) values (''public'', ''x'', ''INSERT'')',
  '42501: permission denied for table audit_log', 'an organisation owner cannot forge a record');
select tests.rls_is('anon', 'update private.audit_log set actor_id = null',
  '42501: permission denied for schema private', 'anon cannot update records');
select tests.rls_is('anon', 'delete from private.audit_log',
  '42501: permission denied for schema private', 'anon cannot delete records');
select tests.rls_is('anon', 'truncate private.audit_log',
  '42501: permission denied for schema private', 'anon cannot truncate');
select is((select count(*) from private.audit_log where organisation_id = :'acme_id'), 4::bigint,
  'after all that the organisation''s records are all still there');

select * from finish();
rollback;
