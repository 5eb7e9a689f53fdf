-- Database hygiene: every foreign key in our schemas is the leading part of an index (a partial
-- one too: nullable keys are indexed where not null), or - for a composite key whose first column
-- references a unique column, like (account_id, currency) -> (id, currency) - an index led by that
-- first column. So cascades, erasure and joins from the referenced side never scan the table.
begin;
\ir ../00_helpers/tests_schema.psql
select plan(1);

select is(
  array(
    select format('%s.%s (%s)', c.conrelid::regclass, c.conname, array_to_string(array(
      select a.attname::text from unnest(c.conkey) with ordinality as k (attnum, ord)
      join pg_catalog.pg_attribute as a on a.attrelid = c.conrelid and a.attnum = k.attnum
      order by k.ord), ', '))
    from pg_catalog.pg_constraint as c
    join pg_catalog.pg_class as t on t.oid = c.conrelid
    join pg_catalog.pg_namespace as n on n.oid = t.relnamespace
    where c.contype = 'f' and n.nspname in ('public', 'private')
      and not exists (
        select 1 from pg_catalog.pg_index as i
        where i.indrelid = c.conrelid
          and (
            ((i.indkey::int2[])[0:cardinality(c.conkey) - 1] operator(pg_catalog.@>) c.conkey
             and (i.indkey::int2[])[0:cardinality(c.conkey) - 1] operator(pg_catalog.<@) c.conkey)
            or ((i.indkey::int2[])[0] = c.conkey[1] and exists (
              select 1 from pg_catalog.pg_index as u
              where u.indrelid = c.confrelid and u.indisunique and u.indpred is null
                and cardinality(u.indkey::int2[]) = 1 and (u.indkey::int2[])[0] = c.confkey[1]))))
    order by 1),
  '{}'::text[],
  'every foreign key in public and private has an index led by its columns');

select * from finish();
rollback;
