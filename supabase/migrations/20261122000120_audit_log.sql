-- Append-only audit log (supa_audit style): one generic row trigger, switched on per table with
-- private.enable_audit('public.<table>'). Owners and admins read their organisation's records
-- through the security-invoker view public.audit_log.

-- ============================================================================
-- tables
-- ============================================================================
create table private.audit_log (
  id bigint generated always as identity primary key,
  occurred_at timestamptz not null default now(),
  table_schema name not null,
  table_name name not null,
  op text not null,
  record_pk jsonb,
  organisation_id uuid,
  old_record jsonb,
  new_record jsonb,
  actor_id uuid,
  actor_role text,
  constraint op_is_known check (op in ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE'))
);

comment on table private.audit_log is
  'Append-only change history of audited tables. Rows are never updated or deleted, not even by '
  'service_role (triggers refuse). actor_id = auth.uid() of the change; null for service/cron work.';

-- ============================================================================
-- indexes
-- ============================================================================
create index audit_log_organisation_id_occurred_at_idx
  on private.audit_log (organisation_id, occurred_at desc);
create index audit_log_table_record_pk_idx
  on private.audit_log (table_schema, table_name, record_pk);

-- ============================================================================
-- triggers
-- ============================================================================
create function private.audit_log_is_append_only()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  raise exception 'private.audit_log is append-only: % is not allowed', tg_op
    using errcode = 'insufficient_privilege';
end;
$$;

comment on function private.audit_log_is_append_only() is
  'Rejects UPDATE, DELETE and TRUNCATE on private.audit_log, whoever the caller is.';

create trigger tallyq_audit_log_is_append_only
  before update or delete on private.audit_log
  for each row execute function private.audit_log_is_append_only();

create trigger tallyq_audit_log_is_never_truncated
  before truncate on private.audit_log
  for each statement execute function private.audit_log_is_append_only();

create function private.audit_row_change()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  -- tg_argv[0]: column holding the organisation id ('' when none); tg_argv[1..]: primary key columns
  v_org_column text := tg_argv[0];
  v_row jsonb;
  v_pk jsonb;
  v_i int;
begin
  if tg_op = 'TRUNCATE' then
    insert into private.audit_log (table_schema, table_name, op, actor_id, actor_role)
    values (tg_table_schema, tg_table_name, tg_op, (select auth.uid()),
      nullif(current_setting('role', true), 'none'));
    return null;
  end if;

  v_row := case when tg_op = 'DELETE' then to_jsonb(old) else to_jsonb(new) end;
  v_pk := '{}';
  for v_i in 1 .. tg_nargs - 1 loop
    v_pk := v_pk || jsonb_build_object(tg_argv[v_i], v_row -> tg_argv[v_i]);
  end loop;

  insert into private.audit_log (
    table_schema, table_name, op, record_pk, organisation_id, old_record, new_record,
    actor_id, actor_role
  )
  values (
    tg_table_schema,
    tg_table_name,
    tg_op,
    v_pk,
    case when v_org_column <> '' then (v_row ->> v_org_column)::uuid end,
    case when tg_op <> 'INSERT' then to_jsonb(old) end,
    case when tg_op <> 'DELETE' then to_jsonb(new) end,
    (select auth.uid()),
    nullif(current_setting('role', true), 'none')
  );
  return null;
end;
$$;

comment on function private.audit_row_change() is
  'Generic after-row/after-truncate audit trigger. Attach with private.enable_audit(regclass).';

-- ============================================================================
-- rls
-- ============================================================================
alter table private.audit_log enable row level security;

create policy "Owners and admins can read their organisation's audit records"
  on private.audit_log for select to authenticated
  using (organisation_id in (select private.user_org_ids('{owner,admin}')));

-- ============================================================================
-- functions
-- ============================================================================
create function private.enable_audit(
  p_table regclass,
  p_organisation_column name default 'organisation_id'
)
returns void
language plpgsql
set search_path = ''
as $$
declare
  v_pk_columns text;
begin
  select string_agg(quote_literal(a.attname), ', ' order by k.ord)
  into v_pk_columns
  from pg_catalog.pg_index as i
  cross join lateral unnest(i.indkey) with ordinality as k (attnum, ord)
  join pg_catalog.pg_attribute as a on a.attrelid = i.indrelid and a.attnum = k.attnum
  where i.indrelid = p_table and i.indisprimary;

  if v_pk_columns is null then
    raise exception 'Table % has no primary key to audit by', p_table;
  end if;

  execute format('drop trigger if exists tallyq_audit_row on %s', p_table);
  execute format('drop trigger if exists tallyq_audit_truncate on %s', p_table);
  execute format(
    'create trigger tallyq_audit_row after insert or update or delete on %s '
    'for each row execute function private.audit_row_change(%L, %s)',
    p_table, coalesce(p_organisation_column, ''), v_pk_columns
  );
  execute format(
    'create trigger tallyq_audit_truncate after truncate on %s '
    'for each statement execute function private.audit_row_change(%L)',
    p_table, coalesce(p_organisation_column, '')
  );
end;
$$;

comment on function private.enable_audit(regclass, name) is
  'Switch auditing on for a table (idempotent). p_organisation_column names the column that '
  'scopes records to an organisation (null when the table has none). Migration-time only.';

create function private.disable_audit(p_table regclass)
returns void
language plpgsql
set search_path = ''
as $$
begin
  execute format('drop trigger if exists tallyq_audit_row on %s', p_table);
  execute format('drop trigger if exists tallyq_audit_truncate on %s', p_table);
end;
$$;

comment on function private.disable_audit(regclass) is 'Switch auditing off for a table.';

select private.enable_audit('public.organisations', 'id');
select private.enable_audit('public.memberships');

-- ============================================================================
-- views
-- ============================================================================
create view public.audit_log
with (security_invoker = true)
as
select
  l.id, l.occurred_at, l.table_name, l.op, l.record_pk, l.organisation_id, l.old_record,
  l.new_record, l.actor_id
from private.audit_log as l
where l.table_schema = 'public';

comment on view public.audit_log is
  'Read-only window on private.audit_log; security_invoker, so the table''s RLS decides the rows '
  '(owners and admins see their organisation''s records).';

-- ============================================================================
-- grants
-- ============================================================================
revoke all on private.audit_log from public, anon, authenticated;
grant select on private.audit_log to authenticated;
grant select, insert on private.audit_log to service_role;

revoke all on public.audit_log from public, anon, authenticated;
grant select on public.audit_log to authenticated, service_role;

revoke all on function private.audit_log_is_append_only() from public, anon, authenticated;
revoke all on function private.audit_row_change() from public, anon, authenticated;
revoke all on function private.enable_audit(regclass, name) from public, anon, authenticated;
revoke all on function private.disable_audit(regclass) from public, anon, authenticated;
