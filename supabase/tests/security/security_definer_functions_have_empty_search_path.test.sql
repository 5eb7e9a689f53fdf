-- Every security definer function of ours pins search_path to '' (schema-qualified bodies only).
begin;
\ir ../00_helpers/tests_schema.psql
select plan(2);

create temp view our_functions as
select p.oid, p.oid::regprocedure::text as signature, p.prosecdef, p.proconfig
from pg_catalog.pg_proc as p
join pg_catalog.pg_namespace as n on n.oid = p.pronamespace
where n.nspname not in (
    'pg_catalog', 'information_schema', 'pg_toast', 'auth', 'storage', 'extensions', 'graphql',
    'graphql_public', 'realtime', 'vault', 'pgsodium', 'pgsodium_masks', 'pgmq', 'net', 'cron',
    'supabase_functions', 'supabase_migrations', 'pgbouncer', 'tests'
  )
  and n.nspname not like 'pg_temp%'
  and n.nspname not like 'pg_toast_temp%'
  and not exists (
    select 1 from pg_catalog.pg_depend as d
    where d.classid = 'pg_catalog.pg_proc'::regclass and d.objid = p.oid and d.deptype = 'e'
  );

select isnt_empty(
  'select signature from our_functions where prosecdef',
  'there are security definer functions to check (the check is not vacuous)'
);
select is_empty(
  $$select signature from our_functions
    where prosecdef and not ('search_path=""' = any (coalesce(proconfig, '{}')))$$,
  'every security definer function has search_path = '''''
);

select * from finish();
rollback;
