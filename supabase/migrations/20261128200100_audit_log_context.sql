-- Audit log, part 2: request context (correlation id, client IP, user agent), changed fields, the
-- writing transaction's id (for sealing, see 20261128200200) and erasable personal data.
-- The edge function sets tallyq.correlation_id / tallyq.client_ip / tallyq.user_agent with
-- set_config(…, true) in the transaction that writes; the trigger reads them.

-- ============================================================================
-- tables
-- ============================================================================
-- Existing rows get the xid of this migration (a volatile default is evaluated per row).
alter table private.audit_log
  add column txid xid8 not null default pg_current_xact_id(),
  add column changed_fields text[],
  add column correlation_id text,
  add column subject_id uuid,
  add column personal_digest bytea,
  add constraint personal_digest_is_sha256 check (octet_length(personal_digest) = 32);

comment on column private.audit_log.txid is
  'Top-level transaction that wrote the row. Rows whose txid is below every running transaction '
  'are final and get sealed into private.audit_blocks.';
comment on column private.audit_log.changed_fields is
  'UPDATE: columns whose value changed (sorted, byte order); null for INSERT, DELETE, TRUNCATE.';
comment on column private.audit_log.subject_id is
  'The person the personal data of this row belongs to (the table''s subject column, else the '
  'acting user). Erasure (private.erase_audit_personal_data) goes by it.';
comment on column private.audit_log.personal_digest is
  'sha256(salt || personal data) of the row in private.audit_personal_data. The hash chain covers '
  'this digest, not the personal data, so erasing it leaves the chain verifiable.';

-- Personal data split off the audit row: client IP, user agent and the table's personal columns.
-- Deleted (never updated) on erasure; the random salt goes with it, so the digest left in the
-- chain cannot be brute-forced back to an IP address or a name.
create table private.audit_personal_data (
  audit_id bigint primary key,
  subject_id uuid,
  salt bytea not null,
  data jsonb not null,
  constraint salt_is_16_bytes check (octet_length(salt) = 16)
);

comment on table private.audit_personal_data is
  'Personal part of audit rows (client_ip, user_agent, personal columns as {old, new}). The chain '
  'covers sha256(salt || data::text) stored in audit_log.personal_digest. Rows are only ever '
  'deleted, by private.erase_audit_personal_data.';

create table private.audit_erasures (
  subject_id uuid primary key,
  erased_at timestamptz not null default now(),
  rows_erased bigint not null
);

comment on table private.audit_erasures is
  'Subjects whose audit personal data was erased: the verifier accepts their missing personal '
  'data; any other missing personal data is reported as tampering.';

-- ============================================================================
-- indexes
-- ============================================================================
create index audit_log_txid_idx on private.audit_log (txid);
create index audit_personal_data_subject_id_idx on private.audit_personal_data (subject_id);

-- ============================================================================
-- triggers
-- ============================================================================
create function private.audit_table_is_append_only()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  raise exception '%.% is append-only: % is not allowed', tg_table_schema, tg_table_name, tg_op
    using errcode = 'insufficient_privilege';
end;
$$;

comment on function private.audit_table_is_append_only() is
  'Rejects UPDATE, DELETE and TRUNCATE on the audit tables it is attached to, whoever the caller is.';

create function private.audit_personal_data_is_append_only()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if tg_op = 'DELETE' and current_setting('tallyq.audit_erasure', true) = 'on' then
    return old;
  end if;
  raise exception '%.% is append-only: % is not allowed', tg_table_schema, tg_table_name, tg_op
    using errcode = 'insufficient_privilege';
end;
$$;

comment on function private.audit_personal_data_is_append_only() is
  'Rejects UPDATE and TRUNCATE always, DELETE unless private.erase_audit_personal_data is running.';

create trigger tallyq_audit_personal_data_is_append_only
  before update or delete on private.audit_personal_data
  for each row execute function private.audit_personal_data_is_append_only();
create trigger tallyq_audit_personal_data_is_never_truncated
  before truncate on private.audit_personal_data
  for each statement execute function private.audit_personal_data_is_append_only();

create trigger tallyq_audit_erasures_is_append_only
  before update or delete on private.audit_erasures
  for each row execute function private.audit_table_is_append_only();
create trigger tallyq_audit_erasures_is_never_truncated
  before truncate on private.audit_erasures
  for each statement execute function private.audit_table_is_append_only();

-- The generic row trigger. tg_argv: [0] organisation column ('' = none), [1] subject column
-- ('' = none), [2] personal columns as a text[] literal, [3..] primary key columns.
create or replace function private.audit_row_change()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_personal text[] := tg_argv[2]::text[];
  v_old jsonb := case when tg_op in ('UPDATE', 'DELETE') then to_jsonb(old) end;
  v_new jsonb := case when tg_op in ('INSERT', 'UPDATE') then to_jsonb(new) end;
  v_row jsonb := coalesce(v_new, v_old);
  v_actor uuid := (select auth.uid());
  v_pk jsonb := '{}';
  v_changed text[];
  v_subject uuid;
  v_personal_data jsonb;
  v_salt bytea;
  v_id bigint;
  v_i int;
begin
  for v_i in 3 .. tg_nargs - 1 loop
    v_pk := v_pk || jsonb_build_object(tg_argv[v_i], v_row -> tg_argv[v_i]);
  end loop;
  if tg_op = 'UPDATE' then
    v_changed := array(
      select n.key from jsonb_each(v_new) as n
      where n.value is distinct from v_old -> n.key
      order by n.key collate "C");
  end if;
  if tg_argv[1] <> '' and v_row is not null then
    v_subject := (v_row ->> tg_argv[1])::uuid;
  end if;
  v_subject := coalesce(v_subject, v_actor);

  v_personal_data := jsonb_strip_nulls(jsonb_build_object(
    'client_ip', left(nullif(current_setting('tallyq.client_ip', true), ''), 100),
    'user_agent', left(nullif(current_setting('tallyq.user_agent', true), ''), 512)));
  if cardinality(v_personal) > 0 then
    v_personal_data := v_personal_data || jsonb_strip_nulls(jsonb_build_object(
      'old', (select jsonb_object_agg(e.key, e.value) from jsonb_each(v_old) as e
              where e.key = any(v_personal) and e.value <> 'null'),
      'new', (select jsonb_object_agg(e.key, e.value) from jsonb_each(v_new) as e
              where e.key = any(v_personal) and e.value <> 'null')));
  end if;
  v_personal_data := nullif(v_personal_data, '{}');
  if v_personal_data is not null then
    v_salt := uuid_send(gen_random_uuid());
  end if;

  insert into private.audit_log (
    table_schema, table_name, op, record_pk, organisation_id, old_record, new_record,
    changed_fields, actor_id, actor_role, correlation_id, subject_id, personal_digest
  )
  values (
    tg_table_schema,
    tg_table_name,
    tg_op,
    case when tg_op <> 'TRUNCATE' then v_pk end,
    case when tg_argv[0] <> '' then (v_row ->> tg_argv[0])::uuid end,
    v_old - v_personal,
    v_new - v_personal,
    v_changed,
    v_actor,
    nullif(current_setting('role', true), 'none'),
    left(nullif(current_setting('tallyq.correlation_id', true), ''), 200),
    case when v_personal_data is not null then v_subject end,
    sha256(v_salt || convert_to(v_personal_data::text, 'UTF8'))
  )
  returning id into v_id;

  if v_personal_data is not null then
    insert into private.audit_personal_data (audit_id, subject_id, salt, data)
    values (v_id, v_subject, v_salt, v_personal_data);
  end if;
  return null;
end;
$$;

comment on function private.audit_row_change() is
  'Generic after-row/after-truncate audit trigger. Attach with private.enable_audit(…). Reads the '
  'request context from tallyq.correlation_id, tallyq.client_ip, tallyq.user_agent.';

-- ============================================================================
-- rls
-- ============================================================================
alter table private.audit_personal_data enable row level security;
alter table private.audit_erasures enable row level security;

create policy "Readers of an audit record can read its personal data"
  on private.audit_personal_data for select to authenticated
  using (exists (select 1 from private.audit_log as l where l.id = audit_id));

-- ============================================================================
-- functions
-- ============================================================================
drop function private.enable_audit(regclass, name);

create function private.enable_audit(
  p_table regclass,
  p_organisation_column name default 'organisation_id',
  p_personal_columns text[] default '{}',
  p_subject_column name default null
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
    'for each row execute function private.audit_row_change(%L, %L, %L, %s)',
    p_table, coalesce(p_organisation_column, ''), coalesce(p_subject_column, ''),
    coalesce(p_personal_columns, '{}'), v_pk_columns
  );
  execute format(
    'create trigger tallyq_audit_truncate after truncate on %s '
    'for each statement execute function private.audit_row_change(%L, %L, %L)',
    p_table, coalesce(p_organisation_column, ''), coalesce(p_subject_column, ''),
    coalesce(p_personal_columns, '{}')
  );
end;
$$;

comment on function private.enable_audit(regclass, name, text[], name) is
  'Switch auditing on for a table (idempotent). p_organisation_column scopes records to an '
  'organisation (null: none); p_personal_columns are kept out of old/new_record and stored '
  'erasably in audit_personal_data; p_subject_column (uuid) names whose personal data a row holds '
  '(default: the acting user). Migration-time only.';

create function private.erase_audit_personal_data(p_subject_id uuid)
returns bigint
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_count bigint;
begin
  perform set_config('tallyq.audit_erasure', 'on', true);
  delete from private.audit_personal_data where subject_id = p_subject_id;
  get diagnostics v_count = row_count;
  perform set_config('tallyq.audit_erasure', 'off', true);
  insert into private.audit_erasures (subject_id, rows_erased) values (p_subject_id, v_count)
  on conflict (subject_id) do nothing;
  return v_count;
end;
$$;

comment on function private.erase_audit_personal_data(uuid) is
  'GDPR erasure of one person''s audit personal data (IP, user agent, personal columns). The '
  'audit rows and their chain stay intact and verifiable. For the erasure flow of issue 14.';

-- Re-attach the existing audits with the new trigger arguments.
select private.enable_audit('public.organisations', 'id');
select private.enable_audit('public.memberships', 'organisation_id', '{}', 'user_id');

-- ============================================================================
-- views
-- ============================================================================
create or replace view public.audit_log
with (security_invoker = true)
as
select
  l.id, l.occurred_at, l.table_name, l.op, l.record_pk, l.organisation_id, l.old_record,
  l.new_record, l.actor_id, l.actor_role, l.changed_fields, l.correlation_id,
  p.data ->> 'client_ip' as client_ip, p.data ->> 'user_agent' as user_agent
from private.audit_log as l
left join private.audit_personal_data as p on p.audit_id = l.id
where l.table_schema = 'public';

-- ============================================================================
-- grants
-- ============================================================================
revoke all on private.audit_personal_data, private.audit_erasures from public, anon, authenticated;
grant select on private.audit_personal_data to authenticated;
grant select on private.audit_personal_data to service_role;
grant select on private.audit_erasures to service_role;
-- Only the audit trigger (security definer) writes audit rows: nobody can forge one.
revoke insert on private.audit_log from service_role;

revoke all on function private.audit_table_is_append_only() from public, anon, authenticated;
revoke all on function private.audit_personal_data_is_append_only() from public, anon, authenticated;
revoke all on function private.audit_row_change() from public, anon, authenticated;
revoke all on function private.enable_audit(regclass, name, text[], name) from public, anon, authenticated;
revoke all on function private.erase_audit_personal_data(uuid) from public, anon, authenticated;
grant execute on function private.erase_audit_personal_data(uuid) to service_role;
