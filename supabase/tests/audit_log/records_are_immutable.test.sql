-- private.audit_log is append-only: update, delete and truncate fail for every role.
begin;
\ir ../00_helpers/tests_schema.psql
select plan(7);
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
select tests.rls_is('owner', 'delete from private.audit_log',
  '42501: permission denied for table audit_log', 'an organisation owner cannot delete records');

select * from finish();
rollback;
