-- Audit log, part 2: request context (correlation id, client IP, user agent), changed fields, the
-- writing transaction's id (for sealing, see 20261128200200) and erasable personal data.
-- The edge function sets tallyq.correlation_id / tallyq.client_ip / tallyq.user_agent with
-- set_config(…, true) in the transaction that writes; the trigger reads them. IP and user agent are
-- stored once per transaction (audit_contexts), not once per audited row.

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
  add column context_id bigint,
  add column context_digest bytea,
  add constraint personal_digest_is_sha256 check (octet_length(personal_digest) = 32),
  add constraint context_digest_is_sha256 check (octet_length(context_digest) = 32);

comment on column private.audit_log.txid is
  'Top-level transaction that wrote the row. Rows whose txid is below every running transaction '
  'are final and get sealed into private.audit_blocks.';
comment on column private.audit_log.changed_fields is
  'UPDATE: columns whose value changed (sorted, byte order); null for INSERT, DELETE, TRUNCATE.';
comment on column private.audit_log.subject_id is
  'The person the personal data of this row belongs to (the table''s subject column, else the '
  'acting user). Erasure (private.erase_audit_personal_data) goes by it.';
comment on column private.audit_log.context_id is
  'The request context (client IP, user agent) of the writing transaction: private.audit_contexts. '
  'Its subject is actor_id.';
comment on column private.audit_log.context_digest is
  'sha256(salt || data) of that context; the chain covers the digest, not the IP address.';
comment on column private.audit_log.personal_digest is
  'sha256(salt || personal data) of the row in private.audit_personal_data. The hash chain covers '
  'this digest, not the personal data, so erasing it leaves the chain verifiable.';

-- Personal data split off the audit rows, deleted (never updated) on erasure; the random salt goes
-- with it, so the digest left in the chain cannot be brute-forced back to an IP address or a name.
create table private.audit_contexts (
  id bigint generated always as identity primary key,
  subject_id uuid,
  salt bytea not null,
  data jsonb not null,
  constraint salt_is_16_bytes check (octet_length(salt) = 16)
);

comment on table private.audit_contexts is
  'Client IP and user agent of a writing transaction ({client_ip, user_agent}), written once per '
  'transaction and acting user by the audit trigger. subject_id = the acting user.';

create table private.audit_personal_data (
  audit_id bigint primary key,
  subject_id uuid,
  salt bytea not null,
  data jsonb not null,
  constraint salt_is_16_bytes check (octet_length(salt) = 16)
);

comment on table private.audit_personal_data is
  'Personal columns of an audit row, as {old, new}. The chain '
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
create index audit_contexts_subject_id_idx on private.audit_contexts (subject_id);

-- ============================================================================
-- triggers
-- ============================================================================
create function private.rows_are_append_only()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  raise exception '%.% is append-only: % is not allowed', tg_table_schema, tg_table_name, tg_op
    using errcode = 'insufficient_privilege';
end;
$$;

comment on function private.rows_are_append_only() is
  'Rejects UPDATE, DELETE and TRUNCATE on the table it is attached to, whoever the caller is '
  '(audit chain tables, wallet transactions and entries).';

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
create trigger tallyq_audit_contexts_is_append_only
  before update or delete on private.audit_contexts
  for each row execute function private.audit_personal_data_is_append_only();
create trigger tallyq_audit_contexts_is_never_truncated
  before truncate on private.audit_contexts
  for each statement execute function private.audit_personal_data_is_append_only();

create trigger tallyq_audit_erasures_is_append_only
  before update or delete on private.audit_erasures
  for each row execute function private.rows_are_append_only();
create trigger tallyq_audit_erasures_is_never_truncated
  before truncate on private.audit_erasures
  for each statement execute function private.rows_are_append_only();

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
  v_actor uuid := auth.uid(); -- a plain call stays a fast plpgsql simple expression
  v_pk jsonb := '{}';
  v_changed text[];
  v_subject uuid;
  v_personal_data jsonb;
  v_personal_salt bytea;
  v_context jsonb;
  v_context_key text;
  v_cached text[];
  v_context_id bigint;
  v_context_digest bytea;
  v_context_salt bytea;
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

  -- The table's personal columns, erasable per subject (the row's subject column, else the actor).
  if cardinality(v_personal) > 0 then
    v_personal_data := nullif(jsonb_strip_nulls(jsonb_build_object(
      'old', (select jsonb_object_agg(e.key, e.value) from jsonb_each(v_old) as e
              where e.key = any(v_personal) and e.value <> 'null'),
      'new', (select jsonb_object_agg(e.key, e.value) from jsonb_each(v_new) as e
              where e.key = any(v_personal) and e.value <> 'null'))), '{}');
  end if;
  if v_personal_data is not null then
    if tg_argv[1] <> '' then
      v_subject := (v_row ->> tg_argv[1])::uuid;
    end if;
    v_subject := coalesce(v_subject, v_actor);
    v_personal_salt := uuid_send(gen_random_uuid());
  end if;

  -- The request context is stored once per transaction and actor: the first audited row writes it
  -- and remembers '<key> <id> <digest>' in a transaction-local setting (a savepoint rollback
  -- forgets both together).
  v_context := nullif(jsonb_strip_nulls(jsonb_build_object(
    'client_ip', left(nullif(current_setting('tallyq.client_ip', true), ''), 100),
    'user_agent', left(nullif(current_setting('tallyq.user_agent', true), ''), 512))), '{}');
  if v_context is not null then
    v_context_key := md5(coalesce(v_actor::text, '') || v_context::text);
    v_cached := string_to_array(current_setting('tallyq.audit_context', true), ' ');
    if v_cached[1] = v_context_key then
      v_context_id := v_cached[2]::bigint;
      v_context_digest := decode(v_cached[3], 'hex');
    else
      v_context_salt := uuid_send(gen_random_uuid());
      v_context_digest := sha256(v_context_salt || convert_to(v_context::text, 'UTF8'));
      insert into private.audit_contexts (subject_id, salt, data)
      values (v_actor, v_context_salt, v_context)
      returning id into v_context_id;
      perform set_config('tallyq.audit_context',
        v_context_key || ' ' || v_context_id || ' ' || encode(v_context_digest, 'hex'), true);
    end if;
  end if;

  insert into private.audit_log (
    table_schema, table_name, op, record_pk, organisation_id, old_record, new_record,
    changed_fields, actor_id, actor_role, correlation_id, subject_id, personal_digest, context_id,
    context_digest
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
    v_subject,
    sha256(v_personal_salt || convert_to(v_personal_data::text, 'UTF8')),
    v_context_id,
    v_context_digest
  )
  returning id into v_id;

  if v_personal_data is not null then
    insert into private.audit_personal_data (audit_id, subject_id, salt, data)
    values (v_id, v_subject, v_personal_salt, v_personal_data);
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
alter table private.audit_contexts enable row level security;

-- Organisation admins see what changed and who did it; an IP address and user agent only its own
-- user (and service_role) may read.
create policy "Users can read their own request contexts"
  on private.audit_contexts for select to authenticated
  using (subject_id = (select auth.uid()));

create policy "Service role reads request contexts"
  on private.audit_contexts for select to service_role
  using (true);

create policy "Readers of an audit record can read its personal data"
  on private.audit_personal_data for select to authenticated
  using (exists (select 1 from private.audit_log as l where l.id = audit_id));

create policy "Service role reads the erasure record"
  on private.audit_erasures for select to service_role
  using (true);

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
  v_contexts bigint;
begin
  perform set_config('tallyq.audit_erasure', 'on', true);
  delete from private.audit_personal_data where subject_id = p_subject_id;
  get diagnostics v_count = row_count;
  delete from private.audit_contexts where subject_id = p_subject_id;
  get diagnostics v_contexts = row_count;
  v_count := v_count + v_contexts;
  perform set_config('tallyq.audit_erasure', 'off', true);
  insert into private.audit_erasures (subject_id, rows_erased) values (p_subject_id, v_count)
  on conflict (subject_id) do nothing;
  return v_count;
end;
$$;

comment on function private.erase_audit_personal_data(uuid) is
  'GDPR erasure of one person''s audit personal data (IP, user agent, personal columns). The '
  'audit rows and their chain stay intact and verifiable. For the erasure flow of issue 14.';

-- Re-attach every existing audit with the new trigger arguments (its organisation column was the
-- first argument), then name the subject where a table has one.
do $$
declare
  v_audited record;
begin
  for v_audited in
    select t.tgrelid::regclass as audited_table,
      convert_from(substring(t.tgargs from 1 for position('\x00'::bytea in t.tgargs) - 1), 'UTF8')
        as organisation_column
    from pg_catalog.pg_trigger as t
    where t.tgname = 'tallyq_audit_row' and not t.tgisinternal
  loop
    perform private.enable_audit(v_audited.audited_table, nullif(v_audited.organisation_column, ''));
  end loop;
end;
$$;
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
  c.data ->> 'client_ip' as client_ip, c.data ->> 'user_agent' as user_agent
from private.audit_log as l
left join private.audit_contexts as c on c.id = l.context_id
where l.table_schema = 'public';

-- ============================================================================
-- grants
-- ============================================================================
revoke all on private.audit_personal_data, private.audit_erasures, private.audit_contexts
  from public, anon, authenticated;
grant select on private.audit_contexts to authenticated, service_role;
grant select on private.audit_personal_data to authenticated;
grant select on private.audit_personal_data to service_role;
grant select on private.audit_erasures to service_role;
-- Only the audit trigger (security definer) writes audit rows: nobody can forge one.
revoke insert on private.audit_log from service_role;

revoke all on function private.rows_are_append_only() from public, anon, authenticated;
revoke all on function private.audit_personal_data_is_append_only() from public, anon, authenticated;
revoke all on function private.audit_row_change() from public, anon, authenticated;
revoke all on function private.enable_audit(regclass, name, text[], name) from public, anon, authenticated;
revoke all on function private.erase_audit_personal_data(uuid) from public, anon, authenticated;
grant execute on function private.erase_audit_personal_data(uuid) to service_role;
