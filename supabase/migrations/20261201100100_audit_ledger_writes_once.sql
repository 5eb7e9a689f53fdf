-- Audit log, part 6: a posted transfer is recorded once (issue 15, benchmark). A transfer used to
-- write five audit rows: its transaction, its two entries, and the two account updates that only
-- carried the same balances again. Now it writes three:
--   * an update of wallet_accounts that changes nothing but the columns the ledger maintains
--     (posted balance, pending sums, version) writes no audit row. Those values are recorded where
--     they are made: each entry's audit row holds the account, its version and its balance before
--     and after; each pending's transaction row its amount. Reconciliation proves the stored
--     columns equal the sums of those records. Only the table's owner can write the table (the
--     ledger functions run as it; every API role may only read it), and the owner can also switch
--     triggers off, so the skipped rows record nothing another role could change. Any update that
--     touches another column (closing, overdraft, anything added later) is audited in full,
--     balance columns included.
--   * an insert whose rows hold no personal data (every ledger write) is audited in one statement
--     straight from the transition table; the general path (updates, deletes, personal data) is
--     private.audit_write_rows, shared by the statement trigger and the account update trigger.
-- The audit rows written are the same as before, byte for byte in the chain's canonical form.

-- ============================================================================
-- functions
-- ============================================================================
-- p_args as the audit triggers' tg_argv, from 1: [1] organisation column ('' = none), [2] subject
-- column ('' = none), [3] personal columns as a text[] literal, [4..] primary key columns.
-- p_olds / p_news: the row images, paired by position (null for an insert's olds, a delete's news).
create function private.audit_write_rows(
  p_schema name, p_table name, p_op text, p_args text[], p_olds jsonb[], p_news jsonb[])
returns void
language plpgsql
set search_path = ''
-- one generic plan: custom plans would re-plan the audit insert on every call
set plan_cache_mode = force_generic_plan
as $$
declare
  v_org text := p_args[1];
  v_subject_column text := nullif(p_args[2], '');
  v_personal text[] := p_args[3]::text[];
  v_pk text[] := p_args[4:];
  -- auth.uid()'s own expression, inline: evaluated once per call without a function call
  v_actor uuid := coalesce(nullif(current_setting('request.jwt.claim.sub', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub'))::uuid;
  v_role text := nullif(current_setting('role', true), 'none');
  v_correlation text := left(nullif(current_setting('tallyq.correlation_id', true), ''), 200);
  v_columns text[];
  v_has_personal boolean := false;
  v_context_id bigint;
  v_context_digest bytea;
begin
  if cardinality(coalesce(p_news, p_olds)) = 0 then
    return; -- the statement changed no row
  end if;
  -- changed_fields lists columns in one order (collate "C"), taken once from the first row
  if p_op = 'UPDATE' then
    v_columns := array(select k from jsonb_object_keys(p_news[1]) as k order by k collate "C");
  end if;
  if current_setting('tallyq.client_ip', true) <> '' or current_setting('tallyq.user_agent', true) <> '' then
    select c.id, c.digest into v_context_id, v_context_digest
    from private.audit_request_context(v_actor) as c;
  end if;

  -- Rows holding no personal data (most) take one plain insert; the path after it splits personal
  -- data off into audit_personal_data (erasable, crypto-shredding).
  if cardinality(v_personal) > 0 then
    v_has_personal := exists (select from unnest(coalesce(p_olds, '{}') || coalesce(p_news, '{}')) as r
                              where jsonb_strip_nulls(r) ?| v_personal);
  end if;
  if not v_has_personal then
    insert into private.audit_log (
      table_schema, table_name, op, record_pk, organisation_id, old_record, new_record,
      changed_fields, actor_id, actor_role, correlation_id, context_id, context_digest)
    select p_schema, p_table, p_op,
      case cardinality(v_pk)
        when 1 then jsonb_build_object(v_pk[1], c.rec -> v_pk[1])
        when 2 then jsonb_build_object(v_pk[1], c.rec -> v_pk[1], v_pk[2], c.rec -> v_pk[2])
        else (select jsonb_object_agg(k.name, c.rec -> k.name) from unnest(v_pk) as k (name)) end,
      case when v_org <> '' then (c.rec ->> v_org)::uuid end, c.old - v_personal, c.new - v_personal,
      case when p_op = 'UPDATE' then
        array(select k from unnest(v_columns) as k where c.new -> k is distinct from c.old -> k) end,
      v_actor, v_role, v_correlation, v_context_id, v_context_digest
    from unnest(p_olds, p_news) with ordinality as u (old, new, n)
    cross join lateral (select u.old, u.new, coalesce(u.new, u.old) as rec) as c
    order by u.n;
    return;
  end if;

  with changed as materialized (
    select nextval('private.audit_log_id_seq') as id, c.old, c.new, coalesce(c.new, c.old) as rec,
      -- the personal columns holding a value, as {old, new}; null when there are none
      nullif(jsonb_strip_nulls(jsonb_build_object(
        'old', (select jsonb_object_agg(k.name, c.old -> k.name) from unnest(v_personal) as k (name)
                where c.old ->> k.name is not null),
        'new', (select jsonb_object_agg(k.name, c.new -> k.name) from unnest(v_personal) as k (name)
                where c.new ->> k.name is not null))), '{}') as personal
    from unnest(p_olds, p_news) with ordinality as c (old, new, n)
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
    select s.id, p_schema, p_table, p_op,
      (select jsonb_object_agg(k.name, s.rec -> k.name) from unnest(v_pk) as k (name)),
      case when v_org <> '' then (s.rec ->> v_org)::uuid end, s.old - v_personal, s.new - v_personal,
      case when p_op = 'UPDATE' then
        array(select k from unnest(v_columns) as k where s.new -> k is distinct from s.old -> k) end,
      v_actor, v_role, v_correlation, s.subject_id,
      sha256(s.salt || convert_to(s.personal::text, 'UTF8')), v_context_id, v_context_digest
    from split as s
    order by s.id
  )
  insert into private.audit_personal_data (audit_id, subject_id, salt, data)
  select s.id, s.subject_id, s.salt, s.personal from split as s where s.personal is not null;
end;
$$;

comment on function private.audit_write_rows(name, name, text, text[], jsonb[], jsonb[]) is
  'Writes one audit row per changed row (row images paired by position), personal data split off '
  'into audit_personal_data. Called by the audit triggers.';

create or replace function private.audit_statement_change()
returns trigger
language plpgsql
security definer
set search_path = ''
set plan_cache_mode = force_generic_plan
as $$
declare
  v_org text := tg_argv[0];
  v_personal text[] := tg_argv[2]::text[];
  v_pk text[] := tg_argv[3:];
  v_has_personal boolean := false;
  v_news jsonb[];
  v_actor uuid;
  v_context_id bigint;
  v_context_digest bytea;
begin
  if tg_op = 'TRUNCATE' then
    insert into private.audit_log (table_schema, table_name, op, actor_id, actor_role, correlation_id)
    values (tg_table_schema, tg_table_name, tg_op,
      coalesce(nullif(current_setting('request.jwt.claim.sub', true), ''),
        (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub'))::uuid,
      nullif(current_setting('role', true), 'none'),
      left(nullif(current_setting('tallyq.correlation_id', true), ''), 200));
    return null;
  end if;

  -- An insert: one statement writes the audit rows straight from the transition table, in the
  -- order the rows were inserted, unless a row holds personal data: then the statement's rows take
  -- the general path (all of them, to keep their order). The ledger's inserts hold none.
  if tg_op = 'INSERT' then
    v_actor := coalesce(nullif(current_setting('request.jwt.claim.sub', true), ''),
      (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub'))::uuid;
    -- the request context is written once per transaction, and not for a statement that inserted
    -- nothing (an upsert that found its row)
    if (current_setting('tallyq.client_ip', true) <> '' or current_setting('tallyq.user_agent', true) <> '')
       and exists (select from new_rows) then
      select c.id, c.digest into v_context_id, v_context_digest
      from private.audit_request_context(v_actor) as c;
    end if;
    with images as materialized (
      select to_jsonb(r) as new from new_rows as r
    ),
    personal as materialized (
      select coalesce(bool_or(jsonb_strip_nulls(i.new) ?| v_personal), false) as held
      from images as i where cardinality(v_personal) > 0
    ),
    logged as (
      insert into private.audit_log (
        table_schema, table_name, op, record_pk, organisation_id, new_record, actor_id, actor_role,
        correlation_id, context_id, context_digest)
      select tg_table_schema, tg_table_name, tg_op,
        case cardinality(v_pk)
          when 1 then jsonb_build_object(v_pk[1], c.new -> v_pk[1])
          when 2 then jsonb_build_object(v_pk[1], c.new -> v_pk[1], v_pk[2], c.new -> v_pk[2])
          else (select jsonb_object_agg(k.name, c.new -> k.name) from unnest(v_pk) as k (name)) end,
        case when v_org <> '' then (c.new ->> v_org)::uuid end, c.new - v_personal, v_actor,
        nullif(current_setting('role', true), 'none'),
        left(nullif(current_setting('tallyq.correlation_id', true), ''), 200), v_context_id,
        v_context_digest
      from images as c
      where not (select p.held from personal as p)
    )
    -- the images already made, for the general path when a row holds personal data
    select p.held, case when p.held then (select array_agg(i.new) from images as i) end
    into v_has_personal, v_news
    from personal as p;
    if v_has_personal then
      -- tg_argv counts from 0; its slice from 0 is the same list counted from 1
      perform private.audit_write_rows(tg_table_schema, tg_table_name, tg_op, tg_argv[0:], null, v_news);
    end if;
    return null;
  end if;

  if tg_op = 'DELETE' then
    perform private.audit_write_rows(tg_table_schema, tg_table_name, tg_op, tg_argv[0:],
      array(select to_jsonb(r) from old_rows as r), null);
  else
    -- old_rows and new_rows are filled in lockstep, so equal positions pair a row's two images
    perform private.audit_write_rows(tg_table_schema, tg_table_name, tg_op, tg_argv[0:],
      array(select to_jsonb(r) from old_rows as r), array(select to_jsonb(r) from new_rows as r));
  end if;
  return null;
end;
$$;

-- For a row-level update trigger whose WHEN clause already chose the rows worth recording.
create function private.audit_row_update()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform private.audit_write_rows(tg_table_schema, tg_table_name, tg_op, tg_argv[0:],
    array[to_jsonb(old)], array[to_jsonb(new)]);
  return null;
end;
$$;

comment on function private.audit_row_update() is
  'Row-level audit of an UPDATE (same audit row as private.audit_statement_change), for a table '
  'whose update trigger records only some updates (a WHEN clause). Arguments as the statement '
  'trigger''s.';

-- ============================================================================
-- triggers
-- ============================================================================
-- wallet_accounts: every update but one that changes only the ledger-maintained columns. The
-- comparison is of whole rows minus those columns, so a column added later is audited.
drop trigger tallyq_audit_update on public.wallet_accounts;
create trigger tallyq_audit_update
  after update on public.wallet_accounts
  for each row
  when ((to_jsonb(old) - '{posted_balance_minor,pending_debits_minor,pending_credits_minor,version}'::text[])
        is distinct from
        (to_jsonb(new) - '{posted_balance_minor,pending_debits_minor,pending_credits_minor,version}'::text[]))
  execute function private.audit_row_update('organisation_id', 'user_id', '{}', 'id');

-- ============================================================================
-- grants
-- ============================================================================
revoke all on function private.audit_write_rows(name, name, text, text[], jsonb[], jsonb[])
  from public, anon, authenticated;
revoke all on function private.audit_row_update() from public, anon, authenticated;
