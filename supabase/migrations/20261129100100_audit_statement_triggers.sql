-- Audit log, part 4: one audit call per statement instead of one per row. The generic trigger now
-- runs after each INSERT, UPDATE and DELETE statement and writes every changed row of it with one
-- INSERT … SELECT over the statement's transition tables (a transfer: 3 calls instead of 5, each a
-- cached plan). Same audit rows as the row trigger of 20261128200100 wrote, byte for byte in the
-- chain's canonical form. Attached by private.enable_audit(…); existing audits are re-attached.

-- ============================================================================
-- triggers
-- ============================================================================
-- tg_argv as for private.audit_row_change: [0] organisation column ('' = none), [1] subject column
-- ('' = none), [2] personal columns as a text[] literal, [3..] primary key columns. Transition
-- tables: new_rows (INSERT, UPDATE), old_rows (UPDATE, DELETE).
create function private.audit_statement_change()
returns trigger
language plpgsql
security definer
set search_path = ''
-- one generic plan per trigger: custom plans would re-plan the audit insert on every statement
set plan_cache_mode = force_generic_plan
as $$
declare
  v_org text := tg_argv[0];
  v_subject_column text := nullif(tg_argv[1], '');
  v_personal text[] := tg_argv[2]::text[];
  v_has_personal boolean := cardinality(tg_argv[2]::text[]) > 0;
  v_pk text[] := '{}';
  -- auth.uid()'s own expression, inline: evaluated once per statement without a function call
  v_actor uuid := coalesce(nullif(current_setting('request.jwt.claim.sub', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub'))::uuid;
  v_role text := nullif(current_setting('role', true), 'none');
  v_correlation text := left(nullif(current_setting('tallyq.correlation_id', true), ''), 200);
  v_olds jsonb[];
  v_news jsonb[];
  v_context jsonb;
  v_context_key text;
  v_cached text[];
  v_context_id bigint;
  v_context_digest bytea;
  v_context_salt bytea;
  v_i int;
begin
  if tg_op = 'TRUNCATE' then
    insert into private.audit_log (table_schema, table_name, op, actor_id, actor_role, correlation_id)
    values (tg_table_schema, tg_table_name, tg_op, v_actor, v_role, v_correlation);
    return null;
  end if;
  -- old_rows and new_rows are filled in lockstep, one pair per updated row, so equal positions
  -- pair a row's before and after image (even when its primary key changed).
  if tg_op <> 'INSERT' then
    select array_agg(to_jsonb(r)) into v_olds from old_rows as r;
  end if;
  if tg_op <> 'DELETE' then
    select array_agg(to_jsonb(r)) into v_news from new_rows as r;
  end if;
  if coalesce(cardinality(v_news), cardinality(v_olds)) is null then
    return null; -- the statement changed no row
  end if;
  for v_i in 3 .. tg_nargs - 1 loop
    v_pk := v_pk || tg_argv[v_i];
  end loop;

  -- The request context is stored once per transaction and actor (as the row trigger did): the
  -- first audited statement writes it and remembers '<key> <id> <digest>' transaction-locally.
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

  with changed as materialized (
    select nextval('private.audit_log_id_seq') as id, c.old, c.new, coalesce(c.new, c.old) as rec,
      -- the personal columns holding a value, as {old, new}; null when there are none
      case when v_has_personal then nullif(jsonb_strip_nulls(jsonb_build_object(
        'old', (select jsonb_object_agg(e.key, e.value) from jsonb_each(c.old) as e
                where e.key = any (v_personal) and e.value <> 'null'),
        'new', (select jsonb_object_agg(e.key, e.value) from jsonb_each(c.new) as e
                where e.key = any (v_personal) and e.value <> 'null'))), '{}') end as personal
    from unnest(v_olds, v_news) with ordinality as c (old, new, n)
    order by c.n
  ),
  split as materialized (
    select c.*,
      case when c.personal is not null then uuid_send(gen_random_uuid()) end as salt,
      case when c.personal is not null then coalesce((c.rec ->> v_subject_column)::uuid, v_actor) end
        as subject_id
    from changed as c
  ),
  logged as (
    insert into private.audit_log (
      id, table_schema, table_name, op, record_pk, organisation_id, old_record, new_record,
      changed_fields, actor_id, actor_role, correlation_id, subject_id, personal_digest, context_id,
      context_digest) overriding system value
    select s.id, tg_table_schema, tg_table_name, tg_op,
      (select jsonb_object_agg(k.name, s.rec -> k.name) from unnest(v_pk) as k (name)),
      case when v_org <> '' then (s.rec ->> v_org)::uuid end, s.old - v_personal, s.new - v_personal,
      case when tg_op = 'UPDATE' then
        array(select e.key from jsonb_each(s.new) as e where e.value is distinct from s.old -> e.key
              order by e.key collate "C") end,
      v_actor, v_role, v_correlation, s.subject_id,
      sha256(s.salt || convert_to(s.personal::text, 'UTF8')), v_context_id, v_context_digest
    from split as s
    order by s.id
  )
  insert into private.audit_personal_data (audit_id, subject_id, salt, data)
  select s.id, s.subject_id, s.salt, s.personal from split as s where s.personal is not null;
  return null;
end;
$$;

comment on function private.audit_statement_change() is
  'Generic after-statement audit trigger (insert, update, delete with transition tables, and '
  'truncate): one audit row per changed row, written in one statement. Attach with '
  'private.enable_audit(…). Reads the request context from tallyq.correlation_id, '
  'tallyq.client_ip, tallyq.user_agent.';

-- ============================================================================
-- functions
-- ============================================================================
create or replace function private.enable_audit(
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
  v_args text;
  v_op text;
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

  perform private.disable_audit(p_table);
  v_args := format('%L, %L, %L', coalesce(p_organisation_column, ''), coalesce(p_subject_column, ''),
                   coalesce(p_personal_columns, '{}'));
  foreach v_op in array array['insert', 'update', 'delete'] loop
    execute format(
      'create trigger %I after %s on %s referencing %s for each statement '
      'execute function private.audit_statement_change(%s, %s)',
      'tallyq_audit_' || v_op, v_op, p_table,
      case v_op when 'insert' then 'new table as new_rows'
                when 'update' then 'old table as old_rows new table as new_rows'
                else 'old table as old_rows' end,
      v_args, v_pk_columns);
  end loop;
  execute format(
    'create trigger tallyq_audit_truncate after truncate on %s '
    'for each statement execute function private.audit_statement_change(%s)', p_table, v_args);
end;
$$;

comment on function private.enable_audit(regclass, name, text[], name) is
  'Switch auditing on for a table (idempotent): statement triggers tallyq_audit_insert, _update, '
  '_delete and _truncate. p_organisation_column scopes records to an organisation (null: none); '
  'p_personal_columns are kept out of old/new_record and stored erasably in audit_personal_data; '
  'p_subject_column (uuid) names whose personal data a row holds (default: the acting user). '
  'Migration-time only.';

create or replace function private.disable_audit(p_table regclass)
returns void
language plpgsql
set search_path = ''
as $$
declare
  v_name text;
begin
  foreach v_name in array array['tallyq_audit_row', 'tallyq_audit_insert', 'tallyq_audit_update',
                                'tallyq_audit_delete', 'tallyq_audit_truncate'] loop
    execute format('drop trigger if exists %I on %s', v_name, p_table);
  end loop;
end;
$$;

comment on function private.disable_audit(regclass) is 'Switch auditing off for a table.';

-- Re-attach every audit of the row trigger with the arguments it was given.
do $$
declare
  v_audited record;
begin
  for v_audited in
    select t.tgrelid::regclass as audited_table, string_to_array(encode(t.tgargs, 'escape'), '\000') as args
    from pg_catalog.pg_trigger as t
    where t.tgname = 'tallyq_audit_row' and not t.tgisinternal
  loop
    perform private.enable_audit(v_audited.audited_table, nullif(v_audited.args[1], ''),
                                 v_audited.args[3]::text[], nullif(v_audited.args[2], ''));
  end loop;
end;
$$;

-- ============================================================================
-- grants
-- ============================================================================
revoke all on function private.audit_statement_change() from public, anon, authenticated;
