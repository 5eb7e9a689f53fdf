-- The read-only role the weekly RLS audit (.github/workflows/rls-audit.yml) logs in as on the
-- hosted project. Run once as postgres in the SQL editor, with a strong password of your own, then
-- store postgresql://tallyq_rls_auditor:<password>@<pooler host>:5432/postgres as the repository
-- secret RLS_AUDIT_DB_URL.
--
-- What it can do: log in, read the system catalogs every role can read (pg_class, pg_policy,
-- pg_proc, pg_namespace, pg_db_role_setting, privileges through has_*_privilege), and create the
-- TEMP tables and views the audit query builds inside its rolled-back transaction.
-- What it cannot do: read or write any row of any table (no schema USAGE, no table grants), run
-- any function beyond PUBLIC's defaults, create anything outside pg_temp, or bypass RLS.
create role tallyq_rls_auditor with login nosuperuser nocreatedb nocreaterole noinherit
  nobypassrls connection limit 2 password :'auditor_password';
revoke all on schema public from tallyq_rls_auditor;
grant connect, temporary on database postgres to tallyq_rls_auditor;
alter role tallyq_rls_auditor set statement_timeout = '60s';
alter role tallyq_rls_auditor set idle_in_transaction_session_timeout = '60s';
