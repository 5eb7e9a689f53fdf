-- Ledger transfer, fast path (issue 15, benchmark). Same outcomes and audit records as before, with
-- fewer statements per transfer (a posted transfer ran about 24 statements, now about 16):
--   * the audit trigger gathers a statement's row images in one statement (two for an update
--     before), builds record_pk and changed_fields with expressions instead of a subquery and a
--     sort per row (changed_fields' column order is listed once per statement), takes the
--     personal-data path only when a row holds personal data, and reads the request context
--     through private.audit_request_context;
--   * a posted transfer writes its transaction, both balances and both entries in one statement;
--   * a record's history index leaves out the append-only ledger tables, whose rows are written
--     once (their history is their one INSERT record) and make up three of a transfer's five
--     audit records.
-- Measured with npm run bench:ledger (see the issue note for the figures).

-- ============================================================================
-- functions: audit
-- ============================================================================
create function private.audit_request_context(p_actor uuid, out id bigint, out digest bytea)
language plpgsql
set search_path = ''
as $$
declare
  v_context jsonb := nullif(jsonb_strip_nulls(jsonb_build_object(
    'client_ip', left(nullif(current_setting('tallyq.client_ip', true), ''), 100),
    'user_agent', left(nullif(current_setting('tallyq.user_agent', true), ''), 512))), '{}');
  v_key text;
  v_cached text[];
  v_salt bytea;
begin
  if v_context is null then
    return;
  end if;
  -- Stored once per transaction and actor: the first audited statement writes it and remembers
  -- '<key> <id> <digest>' transaction-locally.
  v_key := md5(coalesce(p_actor::text, '') || v_context::text);
  v_cached := string_to_array(current_setting('tallyq.audit_context', true), ' ');
  if v_cached[1] = v_key then
    id := v_cached[2]::bigint;
    digest := decode(v_cached[3], 'hex');
    return;
  end if;
  v_salt := uuid_send(gen_random_uuid());
  digest := sha256(v_salt || convert_to(v_context::text, 'UTF8'));
  insert into private.audit_contexts as c (subject_id, salt, data)
  values (p_actor, v_salt, v_context)
  returning c.id into id;
  perform set_config('tallyq.audit_context', v_key || ' ' || id || ' ' || encode(digest, 'hex'), true);
end;
$$;

comment on function private.audit_request_context(uuid) is
  'The request context (tallyq.client_ip, tallyq.user_agent) of this transaction as an '
  'audit_contexts row: (id, digest), written on first use; (null, null) when there is none.';

create or replace function private.audit_statement_change()
returns trigger
language plpgsql
security definer
set search_path = ''
set plan_cache_mode = force_generic_plan
as $$
declare
  v_org text := tg_argv[0];
  v_subject_column text := nullif(tg_argv[1], '');
  v_personal text[] := tg_argv[2]::text[];
  v_pk text[] := tg_argv[3:];
  -- auth.uid()'s own expression, inline: evaluated once per statement without a function call
  v_actor uuid := coalesce(nullif(current_setting('request.jwt.claim.sub', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub'))::uuid;
  v_role text := nullif(current_setting('role', true), 'none');
  v_correlation text := left(nullif(current_setting('tallyq.correlation_id', true), ''), 200);
  v_olds jsonb[];
  v_news jsonb[];
  v_columns text[];
  v_has_personal boolean := false;
  v_context_id bigint;
  v_context_digest bytea;
begin
  if tg_op = 'TRUNCATE' then
    insert into private.audit_log (table_schema, table_name, op, actor_id, actor_role, correlation_id)
    values (tg_table_schema, tg_table_name, tg_op, v_actor, v_role, v_correlation);
    return null;
  end if;
  -- One statement gathers the row images (and, for an update, the table's columns in
  -- changed_fields' order, collate "C"); the transition tables exist only for their operation.
  if tg_op = 'INSERT' then
    v_news := array(select to_jsonb(r) from new_rows as r);
  elsif tg_op = 'DELETE' then
    v_olds := array(select to_jsonb(r) from old_rows as r);
  else
    select array(select to_jsonb(r) from old_rows as r), array(select to_jsonb(r) from new_rows as r),
      array(select k from jsonb_object_keys((select to_jsonb(r) from new_rows as r limit 1)) as k
            order by k collate "C")
    into v_olds, v_news, v_columns;
  end if;
  if cardinality(coalesce(v_news, v_olds)) = 0 then
    return null; -- the statement changed no row
  end if;
  if current_setting('tallyq.client_ip', true) <> '' or current_setting('tallyq.user_agent', true) <> '' then
    select c.id, c.digest into v_context_id, v_context_digest
    from private.audit_request_context(v_actor) as c;
  end if;

  -- Rows holding no personal data (most) take one plain insert; the path after it splits personal
  -- data off into audit_personal_data (erasable, crypto-shredding).
  if cardinality(v_personal) > 0 then
    v_has_personal := exists (select from unnest(coalesce(v_olds, '{}') || coalesce(v_news, '{}')) as r
                              where jsonb_strip_nulls(r) ?| v_personal);
  end if;
  if not v_has_personal then
    insert into private.audit_log (
      table_schema, table_name, op, record_pk, organisation_id, old_record, new_record,
      changed_fields, actor_id, actor_role, correlation_id, context_id, context_digest)
    select tg_table_schema, tg_table_name, tg_op,
      case cardinality(v_pk)
        when 1 then jsonb_build_object(v_pk[1], c.rec -> v_pk[1])
        when 2 then jsonb_build_object(v_pk[1], c.rec -> v_pk[1], v_pk[2], c.rec -> v_pk[2])
        else (select jsonb_object_agg(k.name, c.rec -> k.name) from unnest(v_pk) as k (name)) end,
      case when v_org <> '' then (c.rec ->> v_org)::uuid end, c.old - v_personal, c.new - v_personal,
      case when tg_op = 'UPDATE' then
        array(select k from unnest(v_columns) as k where c.new -> k is distinct from c.old -> k) end,
      v_actor, v_role, v_correlation, v_context_id, v_context_digest
    from unnest(v_olds, v_news) with ordinality as u (old, new, n)
    cross join lateral (select u.old, u.new, coalesce(u.new, u.old) as rec) as c
    order by u.n;
    return null;
  end if;

  with changed as materialized (
    select nextval('private.audit_log_id_seq') as id, c.old, c.new, coalesce(c.new, c.old) as rec,
      -- the personal columns holding a value, as {old, new}; null when there are none
      nullif(jsonb_strip_nulls(jsonb_build_object(
        'old', (select jsonb_object_agg(k.name, c.old -> k.name) from unnest(v_personal) as k (name)
                where c.old ->> k.name is not null),
        'new', (select jsonb_object_agg(k.name, c.new -> k.name) from unnest(v_personal) as k (name)
                where c.new ->> k.name is not null))), '{}') as personal
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
        array(select k from unnest(v_columns) as k where s.new -> k is distinct from s.old -> k) end,
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

-- ============================================================================
-- functions: transfer
-- ============================================================================
create or replace function private.wallet_do_transfer(p jsonb, p_actor uuid, p_service boolean)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_from uuid := (p ->> 'from_account_id')::uuid;
  v_to uuid := (p ->> 'to_account_id')::uuid;
  v_amount bigint := (p ->> 'amount_minor')::bigint;
  v_currency text := p ->> 'currency';
  v_timeout integer := (p ->> 'pending_timeout_seconds')::integer;
  v_debit public.wallet_accounts;
  v_credit public.wallet_accounts;
  v_acc public.wallet_accounts;
  v_tx public.wallet_transactions;
  v_failure jsonb;
begin
  if v_amount is null or v_amount <= 0 then
    return private.wallet_fail(422, 'invalid_amount', 'amount_minor must be a positive integer');
  end if;
  if v_currency is null or v_currency !~ '^[A-Z]{3}$' then
    return private.wallet_fail(422, 'invalid_currency', 'currency must be an ISO 4217 code');
  end if;
  if v_from = v_to then
    return private.wallet_fail(422, 'self_transfer', 'from_account_id and to_account_id are the same account');
  end if;
  if v_timeout is not null and v_timeout <= 0 then
    return private.wallet_fail(422, 'invalid_timeout', 'pending.timeout_seconds must be positive');
  end if;

  -- Both accounts locked in one statement, in the global (id) order (see wallet_lock_accounts).
  for v_acc in
    select a.* from public.wallet_accounts as a where a.id in (v_from, v_to) order by a.id
    for no key update
  loop
    if v_acc.id = v_from then v_debit := v_acc; else v_credit := v_acc; end if;
  end loop;
  v_failure := private.wallet_transfer_refusal(v_debit, v_credit, p_actor, p_service, v_currency, v_amount);
  if v_failure is not null then
    return v_failure;
  end if;

  if v_timeout is not null then
    insert into public.wallet_transactions
      (kind, debit_account_id, credit_account_id, amount_minor, currency, description, expires_at,
       created_by)
    values ('pending', v_from, v_to, v_amount, v_currency, p ->> 'description',
            clock_timestamp() + make_interval(secs => v_timeout), p_actor)
    returning * into v_tx;
    insert into private.wallet_open_pendings (transaction_id, expires_at) values (v_tx.id, v_tx.expires_at);
    perform private.wallet_shift_pending(v_from, v_to, v_amount);
    return private.wallet_success(v_tx);
  end if;

  -- A posted transfer is one statement: the transaction, both balances and both entries.
  with tx as (
    insert into public.wallet_transactions
      (kind, debit_account_id, credit_account_id, amount_minor, currency, description, created_by)
    values ('transfer', v_from, v_to, v_amount, v_currency, p ->> 'description', p_actor)
    returning *
  ),
  moved as (
    update public.wallet_accounts as a
    set posted_balance_minor = a.posted_balance_minor + d.delta, version = a.version + 1
    from (values (v_from, -v_amount), (v_to, v_amount)) as d (account_id, delta)
    where a.id = d.account_id
    returning a.id, a.version, a.posted_balance_minor, d.delta, a.currency
  ),
  entries as (
    insert into public.wallet_entries
      (account_id, version, transaction_id, amount_minor, currency, balance_before_minor,
       balance_after_minor, created_at)
    select m.id, m.version, tx.id, m.delta, m.currency, m.posted_balance_minor - m.delta,
           m.posted_balance_minor, clock_timestamp()
    from moved as m cross join tx
  )
  select tx.* into v_tx from tx;
  return private.wallet_success(v_tx);
end;
$$;

-- ============================================================================
-- indexes
-- ============================================================================
drop index private.audit_log_record_pk_idx;
create index audit_log_record_pk_idx on private.audit_log (record_pk)
  where table_name not in ('wallet_entries', 'wallet_transactions');

comment on index private.audit_log_record_pk_idx is
  'History of one record: where table_name = … and record_pk = ''{"id": …}''. Ledger entries '
  'and transactions are append-only: each has one INSERT record, found by the row itself.';

-- ============================================================================
-- grants
-- ============================================================================
revoke all on function private.audit_request_context(uuid) from public, anon, authenticated;
