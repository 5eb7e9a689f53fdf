-- The chain (audit_blocks, audit_seals) and the erasure ledger (audit_erasures) are append-only
-- for every role; audit_personal_data and audit_contexts only lose rows through
-- private.erase_audit_personal_data.
begin;
\ir ../00_helpers/tests_schema.psql
\ir fixtures.psql
select plan(46);
select tests.seed_tenancy() as acme_id \gset
select tests.run_as('postgres', 'select set_config(''tallyq.client_ip'', ''203.0.113.9'', true)');
select tests.run_as('admin', format('update public.organisations set name = ''Acme Ltd'' where id = %L', :'acme_id'));
insert into tests.accounts (holder_email) values ('someone@example.test');
select private.seal_audit_block((pg_current_xact_id()::text::bigint + 1)::text::xid8) is not null as sealed \gset
select ok(:'sealed', 'a block was sealed to try on');
select private.erase_audit_personal_data(gen_random_uuid());

create temp table attempts (tbl text, op text, sql text);
insert into attempts
select t, o, case o
  when 'UPDATE' then format('update private.%I set %I = %I', t, c, c)
  when 'DELETE' then format('delete from private.%I', t)
  else format('truncate private.%I cascade', t) end
from (values ('audit_blocks', 'row_count'), ('audit_seals', 'row_hash'),
             ('audit_erasures', 'rows_erased'), ('audit_personal_data', 'data'),
             ('audit_contexts', 'data')) as x (t, c)
cross join unnest(array['UPDATE', 'DELETE', 'TRUNCATE']) as o;
grant select on attempts to public;

-- the owner: stopped by the append-only triggers
select is(tests.outcome_as('postgres', a.sql),
  format('42501: private.%s is append-only: %s is not allowed', a.tbl, a.op),
  format('the table owner cannot %s %s', a.op, a.tbl))
from attempts as a
order by a.tbl, a.op;

-- service_role and a signed-in user: no privilege
select is(tests.outcome_as(r, a.sql), format('42501: permission denied for table %s', a.tbl),
  format('%s cannot %s %s', r, a.op, a.tbl))
from attempts as a cross join unnest(array['service_role', 'owner']) as r
order by r, a.tbl, a.op;

select * from finish();
rollback;
