-- anon (the public API key) can execute no function in public or private except an explicit
-- allowlist; add a signature below only with a comment saying why anon needs it.
begin;
\ir ../00_helpers/tests_schema.psql
select plan(2);

create temp table anon_allowlist (signature text primary key);
-- insert into anon_allowlist values ('public.example(text)'); -- why anon needs it

select is_empty(
  $$select p.oid::regprocedure::text
    from pg_catalog.pg_proc as p
    join pg_catalog.pg_namespace as n on n.oid = p.pronamespace
    where n.nspname in ('public', 'private')
      and has_function_privilege('anon', p.oid, 'EXECUTE')
      and not exists (select 1 from pg_catalog.pg_depend as d
                      where d.classid = 'pg_catalog.pg_proc'::regclass and d.objid = p.oid and d.deptype = 'e')
      and p.oid::regprocedure::text not in (select signature from anon_allowlist)$$,
  'anon can execute no function in public or private outside the allowlist'
);
select ok(
  not has_schema_privilege('anon', 'private', 'USAGE'),
  'anon has no usage on the private schema'
);

select * from finish();
rollback;
