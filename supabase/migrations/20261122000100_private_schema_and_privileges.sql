-- Private schema and default privileges: the base every later migration builds on.
-- `private` holds helpers and tables clients never address directly (it is not in [api] schemas).
-- Applied by `supabase db push`; runs unchanged on hosted Supabase.

-- ============================================================================
-- schemas
-- ============================================================================
create schema if not exists private;

comment on schema private is
  'Helpers and internal tables. Not exposed through the Data API; anon has no usage. '
  'authenticated has usage only so RLS policies can call the helpers granted to it.';

revoke all on schema private from public;
revoke all on schema private from anon;
grant usage on schema private to authenticated, service_role;

-- ============================================================================
-- default privileges
-- ============================================================================
-- Hosted Supabase grants EXECUTE on new functions in `public` to anon and authenticated through
-- per-schema default privileges; take that back so every function is granted explicitly.
alter default privileges in schema public revoke execute on functions from anon, authenticated;
alter default privileges in schema private revoke execute on functions from anon, authenticated;

-- The PUBLIC grant on functions is a *global* default: Postgres ignores a per-schema revoke of a
-- global grant ("you cannot revoke privileges per-schema if they are granted globally"), and a
-- global revoke would also strip EXECUTE from extensions created later by this role (pgmq,
-- pgtap on the local stack). So every function we create revokes PUBLIC explicitly, and
-- supabase/tests/security/anon_executes_only_allowlisted_functions.test.sql plus
-- scripts/rls-audit.sh fail when one is forgotten.

-- Nothing from `private` is reachable by anon, even functions that already exist.
revoke all on all functions in schema private from public, anon;
