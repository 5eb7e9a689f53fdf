-- Every table in a schema the Data API exposes has RLS enabled (covers tables added later too).
-- Exposed = public, graphql_public, and whatever pgrst.db_schemas lists for the authenticator role.
begin;
\ir ../00_helpers/tests_schema.psql
select plan(3);

create temp view exposed_tables as
with exposed_schemas as (
  select unnest(array['public', 'graphql_public']) as nspname
  union
  select btrim(s)
  from pg_catalog.pg_db_role_setting as r
  cross join lateral unnest(r.setconfig) as c (setting)
  cross join lateral unnest(string_to_array(substr(c.setting, length('pgrst.db_schemas=') + 1), ',')) as s
  where r.setrole = (select oid from pg_catalog.pg_roles where rolname = 'authenticator')
    and c.setting like 'pgrst.db_schemas=%'
)
select c.oid::regclass::text as table_name, c.relrowsecurity
from pg_catalog.pg_class as c
join pg_catalog.pg_namespace as n on n.oid = c.relnamespace
where c.relkind in ('r', 'p') and n.nspname in (select nspname from exposed_schemas);

select isnt_empty('select 1 from exposed_tables', 'there are exposed tables to check');
select is_empty(
  'select table_name from exposed_tables where not relrowsecurity',
  'every table in an exposed schema has row level security enabled'
);
select ok(
  not 'private' = any (array(select n.nspname from pg_catalog.pg_namespace n
                             join pg_catalog.pg_class c on c.relnamespace = n.oid
                             join exposed_tables e on e.table_name = c.oid::regclass::text)),
  'the private schema is not exposed'
);

select * from finish();
rollback;
