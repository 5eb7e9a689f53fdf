-- Views readable by anon or authenticated run with the caller's rights (security_invoker), so RLS
-- of the tables beneath applies; and none of them reads auth.users.
begin;
\ir ../00_helpers/tests_schema.psql
select plan(2);

select is_empty(
  $$select c.oid::regclass::text
    from pg_catalog.pg_class as c
    join pg_catalog.pg_namespace as n on n.oid = c.relnamespace
    where c.relkind = 'v'
      and n.nspname in ('public', 'private')
      and (has_table_privilege('anon', c.oid, 'SELECT') or has_table_privilege('authenticated', c.oid, 'SELECT'))
      and not coalesce(lower(array_to_string(c.reloptions, ',')) ~ 'security_invoker=(true|on|yes|1)', false)$$,
  'every view anon or authenticated can read is security_invoker'
);
select is_empty(
  $$select distinct c.oid::regclass::text
    from pg_catalog.pg_depend as d
    join pg_catalog.pg_rewrite as r on r.oid = d.objid
    join pg_catalog.pg_class as c on c.oid = r.ev_class
    join pg_catalog.pg_namespace as n on n.oid = c.relnamespace
    where d.refobjid = 'auth.users'::regclass
      and n.nspname = 'public'
      and (has_table_privilege('anon', c.oid, 'SELECT') or has_table_privilege('authenticated', c.oid, 'SELECT'))$$,
  'no view in public exposes auth.users'
);

select * from finish();
rollback;
