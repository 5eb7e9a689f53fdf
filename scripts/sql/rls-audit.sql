-- RLS / security audit: the security lints of Supabase's linter (splinter), re-expressed for
-- tallyq, plus our own rules (security definer must pin search_path to ''). Run by
-- scripts/rls-audit.sh; prints one row per finding and a closing line `rls-audit: N finding(s)`.
-- psql variables (all optional):
--   exposed_schemas  comma-separated schemas the Data API exposes (config.toml [api] schemas);
--                    pgrst.db_schemas of the authenticator role is added when present (hosted)
--   anon_allowlist   comma-separated signatures anon may execute although they are security
--                    definer, written schema.name(identity args), e.g. 'public.ping(p_echo text)'
-- Read-only: everything happens in one transaction that is rolled back.

\set ON_ERROR_STOP on
\if :{?exposed_schemas}
\else
  \set exposed_schemas 'public,graphql_public'
\endif
\if :{?anon_allowlist}
\else
  \set anon_allowlist ''
\endif

begin;

create temp table audit_params as
select
  array(
    select distinct btrim(s)
    from unnest(string_to_array(:'exposed_schemas', ',')) as s
    where btrim(s) <> ''
    union
    select btrim(s)
    from pg_catalog.pg_db_role_setting as r
    cross join lateral unnest(r.setconfig) as c (setting)
    cross join lateral unnest(
      string_to_array(substr(c.setting, length('pgrst.db_schemas=') + 1), ',')
    ) as s
    where r.setrole = (select oid from pg_catalog.pg_roles where rolname = 'authenticator')
      and c.setting like 'pgrst.db_schemas=%'
  ) as exposed,
  array(
    select btrim(s) from unnest(string_to_array(:'anon_allowlist', ',')) as s where btrim(s) <> ''
  ) as anon_allowlist,
  -- Schemas owned by the platform or by extensions: not ours to lint (splinter skips them too).
  array[
    'pg_catalog', 'information_schema', 'pg_toast', 'auth', 'storage', 'extensions', 'graphql',
    'graphql_public', 'realtime', 'vault', 'pgsodium', 'pgsodium_masks', 'pgmq', 'net', 'cron',
    'supabase_functions', 'supabase_migrations', 'pgbouncer', 'pgtle', 'repack', 'pgroonga',
    'topology', 'tiger', '_timescaledb_internal', '_timescaledb_catalog', '_timescaledb_config',
    '_timescaledb_cache'
  ]::name[] as platform;

-- Relations and functions with their namespace, minus extension members and temp schemas.
create temp view audit_relations as
select c.oid, c.relname, c.relkind, c.relrowsecurity, c.reloptions, n.nspname,
  format('%I.%I', n.nspname, c.relname) as qualified,
  n.nspname = any (p.exposed) as is_exposed,
  n.nspname = any (p.platform) as is_platform
from pg_catalog.pg_class as c
join pg_catalog.pg_namespace as n on n.oid = c.relnamespace
cross join audit_params as p
where n.nspname !~ '^pg_(temp|toast_temp)_'
  and not exists (
    select 1 from pg_catalog.pg_depend as d
    where d.classid = 'pg_catalog.pg_class'::regclass and d.objid = c.oid and d.deptype = 'e'
  );

create temp view audit_policies as
select r.qualified, r.nspname, r.relrowsecurity, r.is_platform, pol.polname, pol.polpermissive,
  pol.polroles,
  case pol.polcmd
    when 'r' then 'SELECT' when 'a' then 'INSERT' when 'w' then 'UPDATE'
    when 'd' then 'DELETE' else 'ALL'
  end as command,
  pg_catalog.pg_get_expr(pol.polqual, pol.polrelid) as qual,
  pg_catalog.pg_get_expr(pol.polwithcheck, pol.polrelid) as with_check,
  -- the policy applies to the API roles (or to everyone)
  (0::oid = any (pol.polroles) or exists (
    select 1 from unnest(pol.polroles) as ro
    where ro in (select oid from pg_catalog.pg_roles where rolname in ('anon', 'authenticated'))
  )) as for_api_roles
from pg_catalog.pg_policy as pol
join audit_relations as r on r.oid = pol.polrelid;

create temp view audit_functions as
select p.oid, p.prosecdef, p.proconfig, n.nspname,
  format('%I.%I(%s)', n.nspname, p.proname, pg_catalog.pg_get_function_identity_arguments(p.oid))
    as signature,
  n.nspname = any (ap.platform) as is_platform
from pg_catalog.pg_proc as p
join pg_catalog.pg_namespace as n on n.oid = p.pronamespace
cross join audit_params as ap
where n.nspname !~ '^pg_(temp|toast_temp)_'
  and not exists (
    select 1 from pg_catalog.pg_depend as d
    where d.classid = 'pg_catalog.pg_proc'::regclass and d.objid = p.oid and d.deptype = 'e'
  );

create function pg_temp.audit_is_always_true(p_expr text)
returns boolean
language sql
immutable
as $$
  select regexp_replace(lower(coalesce(p_expr, '')), '\s', '', 'g')
    in ('true', '(true)', '1=1', '(1=1)', '((1=1))')
$$;

create temp table findings (lint text, level text, object text, detail text);

-- 0013 rls_disabled_in_public (generalised to every exposed schema)
insert into findings
select 'rls_disabled_in_exposed_schema', 'ERROR', qualified,
  'table is reachable through the Data API but row level security is not enabled'
from audit_relations
where relkind in ('r', 'p') and is_exposed and not relrowsecurity;

-- 0007 policy_exists_rls_disabled
insert into findings
select distinct 'policy_exists_rls_disabled', 'ERROR', qualified,
  'policies exist but row level security is not enabled, so they do nothing'
from audit_policies
where not relrowsecurity and not is_platform;

-- 0008 rls_enabled_no_policy
insert into findings
select 'rls_enabled_no_policy', 'INFO', r.qualified,
  'row level security is enabled but no policy exists (every API request is denied)'
from audit_relations as r
where r.relkind in ('r', 'p') and r.relrowsecurity and not r.is_platform
  and not exists (select 1 from pg_catalog.pg_policy as pol where pol.polrelid = r.oid);

-- 0024 rls_policy_always_true (write commands for anon/authenticated/public)
insert into findings
select 'rls_policy_always_true', 'WARN', qualified || ' / ' || polname,
  format('permissive %s policy for API roles is always true', command)
from audit_policies
where relrowsecurity and polpermissive and for_api_roles and not is_platform
  and (
    (command in ('UPDATE', 'DELETE', 'ALL') and (qual is null or pg_temp.audit_is_always_true(qual)))
    or (command in ('INSERT', 'UPDATE', 'ALL') and pg_temp.audit_is_always_true(with_check))
    or (command = 'INSERT' and with_check is null)
  );

-- 0030 rls_policy_null_auth_disjunct (simplified: an `auth.x() is null` disjunct anywhere in USING)
insert into findings
select 'rls_policy_null_auth_disjunct', 'WARN', qualified || ' / ' || polname,
  'USING has an `auth.*() IS NULL OR …` branch that admits every row when there is no user'
from audit_policies
where relrowsecurity and polpermissive and for_api_roles and not is_platform
  and command in ('SELECT', 'ALL')
  and regexp_replace(lower(coalesce(qual, '')), '\s', '', 'g')
    ~ ('\(' || '(auth\.(uid|jwt|role)\(\)|\(selectauth\.(uid|jwt|role)\(\)as\w+\))' || 'isnull\)or|or\(' || '(auth\.(uid|jwt|role)\(\)|\(selectauth\.(uid|jwt|role)\(\)as\w+\))' || 'isnull\)');

-- 0015 rls_references_user_metadata
insert into findings
select 'rls_references_user_metadata', 'ERROR', qualified || ' / ' || polname,
  'policy reads user_metadata, which end users can edit'
from audit_policies
where not is_platform
  and (coalesce(qual, '') || ' ' || coalesce(with_check, '')) ~* 'user_metadata';

-- 0011 function_search_path_mutable (every function of ours)
insert into findings
select 'function_search_path_mutable', 'WARN', signature,
  'function does not set search_path'
from audit_functions
where not is_platform
  and not exists (select 1 from unnest(coalesce(proconfig, '{}')) as c where c like 'search_path=%');

-- ours: security definer functions must use an empty search_path
insert into findings
select 'security_definer_search_path_not_empty', 'ERROR', signature,
  'security definer function must `set search_path = ''''` (found '
    || coalesce((select string_agg(c, ', ') from unnest(proconfig) as c where c like 'search_path=%'),
      'none') || ')'
from audit_functions
where prosecdef and not is_platform
  and not ('search_path=""' = any (coalesce(proconfig, '{}')));

-- 0028 anon_security_definer_function_executable (outside the allowlist)
insert into findings
select 'anon_security_definer_function_executable', 'WARN', f.signature,
  'anon (the public API key) can execute this security definer function'
from audit_functions as f
cross join audit_params as p
where f.prosecdef and not f.is_platform
  and pg_catalog.has_function_privilege('anon', f.oid, 'EXECUTE')
  and not f.signature = any (p.anon_allowlist);

-- 0010 security_definer_view
insert into findings
select 'security_definer_view', 'ERROR', qualified,
  'view runs with its owner''s rights (bypasses RLS); add with (security_invoker = true)'
from audit_relations
where relkind = 'v' and not is_platform
  and (pg_catalog.has_table_privilege('anon', oid, 'SELECT')
    or pg_catalog.has_table_privilege('authenticated', oid, 'SELECT'))
  and not coalesce(lower(array_to_string(reloptions, ',')) ~ 'security_invoker=(true|on|yes|1)', false);

-- 0002 auth_users_exposed
insert into findings
select distinct 'auth_users_exposed', 'ERROR', r.qualified,
  'view or materialized view in an exposed schema reads auth.users and is readable by API roles'
from pg_catalog.pg_depend as d
join pg_catalog.pg_rewrite as rw on rw.oid = d.objid
join audit_relations as r on r.oid = rw.ev_class
-- (by catalog, not to_regclass: the read-only audit role has no USAGE on schema auth)
where d.refobjid = (select c.oid from pg_catalog.pg_class as c
                    join pg_catalog.pg_namespace as n on n.oid = c.relnamespace
                    where n.nspname = 'auth' and c.relname = 'users')
  and r.relkind in ('v', 'm') and r.is_exposed
  and (pg_catalog.has_table_privilege('anon', r.oid, 'SELECT')
    or pg_catalog.has_table_privilege('authenticated', r.oid, 'SELECT'));

-- 0016 materialized_view_in_api
insert into findings
select 'materialized_view_in_api', 'WARN', qualified,
  'materialized views ignore RLS; this one is readable by API roles in an exposed schema'
from audit_relations
where relkind = 'm' and is_exposed
  and (pg_catalog.has_table_privilege('anon', oid, 'SELECT')
    or pg_catalog.has_table_privilege('authenticated', oid, 'SELECT'));

-- 0019 insecure_queue_exposed_in_api (stricter: any pgmq queue/archive table API roles can read)
insert into findings
select 'insecure_queue_exposed_in_api', 'ERROR', format('%I.%I', n.nspname, c.relname),
  'pgmq table is readable by API roles without row level security'
from pg_catalog.pg_class as c
join pg_catalog.pg_namespace as n on n.oid = c.relnamespace
where n.nspname = 'pgmq' and c.relkind in ('r', 'p') and c.relname ~ '^[qa]_'
  and not c.relrowsecurity
  and (
    (pg_catalog.has_schema_privilege('anon', n.oid, 'USAGE')
      and pg_catalog.has_table_privilege('anon', c.oid, 'SELECT'))
    or (pg_catalog.has_schema_privilege('authenticated', n.oid, 'USAGE')
      and pg_catalog.has_table_privilege('authenticated', c.oid, 'SELECT'))
  );

-- ours: helper schemas must never be exposed
insert into findings
select 'private_schema_exposed', 'ERROR', s, 'a private schema is listed in the exposed schemas'
from audit_params, unnest(exposed) as s
where s in ('private', 'tests');

\pset footer off
\pset null ''
select level, lint, object, detail
from findings
order by case level when 'ERROR' then 1 when 'WARN' then 2 else 3 end, lint, object;

select count(*) as finding_count from findings \gset
\echo rls-audit: :finding_count finding(s)

rollback;
