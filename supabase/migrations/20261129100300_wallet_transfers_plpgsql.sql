-- Wallet transfers, second version of the helpers of 20261128210110 (same names, signatures and
-- outcomes): every function on the transfer path is plpgsql, so its statements are planned once per
-- session (a SQL function with a SET clause is parsed and planned again on every call: a third of
-- a transfer's CPU), and a success outcome is built once, from the row the operation wrote.

-- ============================================================================
-- outcome helpers
-- ============================================================================
create or replace function private.wallet_fail(p_status integer, p_code text, p_message text)
returns jsonb
language plpgsql
immutable
set search_path = ''
as $$
begin
  return jsonb_build_object('ok', false, 'status', p_status, 'error', p_code, 'message', p_message);
end;
$$;

create function private.wallet_transfer_body(p_tx public.wallet_transactions, p_status text)
returns jsonb
language plpgsql
immutable
set search_path = ''
as $$
begin
  return jsonb_build_object(
    'id', p_tx.id, 'kind', p_tx.kind, 'status', p_status,
    'from_account_id', p_tx.debit_account_id, 'to_account_id', p_tx.credit_account_id,
    'amount_minor', p_tx.amount_minor, 'currency', p_tx.currency, 'description', p_tx.description,
    'pending_id', p_tx.pending_id, 'reverses_id', p_tx.reverses_id, 'expires_at', p_tx.expires_at,
    'created_at', p_tx.created_at);
end;
$$;

comment on function private.wallet_transfer_body(public.wallet_transactions, text) is
  'The API representation of a transaction with the given status: the one place it is built.';

create function private.wallet_success(p_tx public.wallet_transactions)
returns jsonb
language plpgsql
immutable
set search_path = ''
as $$
begin
  -- Success is always a new transaction (201), answered as it was when written.
  return jsonb_build_object('ok', true, 'status', 201, 'transfer', private.wallet_transfer_body(
    p_tx, case when p_tx.kind = 'pending' then 'pending' else 'posted' end));
end;
$$;

comment on function private.wallet_success(public.wallet_transactions) is
  'The success outcome of the operation that wrote p_tx, as first answered (and replayed).';

create or replace function private.wallet_transfer_json(p_id uuid, p_as_created boolean default false)
returns jsonb
language plpgsql
stable
set search_path = ''
as $$
declare
  v_tx public.wallet_transactions;
  v_resolution public.wallet_transaction_kind;
begin
  select t.* into v_tx from public.wallet_transactions as t where t.id = p_id;
  if v_tx.id is null then
    return null;
  end if;
  if v_tx.kind = 'pending' and not p_as_created then
    select r.kind into v_resolution from public.wallet_transactions as r where r.pending_id = v_tx.id;
  end if;
  return private.wallet_transfer_body(v_tx, case
    when v_tx.kind <> 'pending' then 'posted'
    when v_resolution = 'post' then 'posted'
    when v_resolution = 'void' then 'voided'
    when v_resolution = 'expire' then 'expired'
    else 'pending' end);
end;
$$;

create or replace function private.wallet_ok(p_status integer, p_transaction_id uuid)
returns jsonb
language plpgsql
stable
set search_path = ''
as $$
declare
  v_tx public.wallet_transactions;
begin
  select t.* into v_tx from public.wallet_transactions as t where t.id = p_transaction_id;
  return private.wallet_success(v_tx) || jsonb_build_object('status', p_status);
end;
$$;

-- ============================================================================
-- core writes (no checks: callers have locked the accounts and checked)
-- ============================================================================
create or replace function private.wallet_lock_accounts(p_a uuid, p_b uuid)
returns setof public.wallet_accounts
language plpgsql
set search_path = ''
as $$
begin
  -- One global order (by id) so two transfers between the same accounts cannot deadlock. NO KEY
  -- UPDATE: the foreign-key checks of other transactions' entries (KEY SHARE) need not wait.
  return query select a.* from public.wallet_accounts as a where a.id in (p_a, p_b) order by a.id
  for no key update;
end;
$$;

create or replace function private.wallet_write_entries(
  p_transaction_id uuid, p_debit uuid, p_credit uuid, p_amount bigint
)
returns void
language plpgsql
set search_path = ''
as $$
begin
  with moved as (
    update public.wallet_accounts as a
    set posted_balance_minor = a.posted_balance_minor + d.delta, version = a.version + 1
    from (values (p_debit, -p_amount), (p_credit, p_amount)) as d (account_id, delta)
    where a.id = d.account_id
    returning a.id, a.version, a.posted_balance_minor, d.delta, a.currency
  )
  insert into public.wallet_entries
    (account_id, version, transaction_id, amount_minor, currency, balance_before_minor,
     balance_after_minor, created_at)
  select m.id, m.version, p_transaction_id, m.delta, m.currency, m.posted_balance_minor - m.delta,
         m.posted_balance_minor, clock_timestamp()
  from moved as m;
end;
$$;

create or replace function private.wallet_shift_pending(p_debit uuid, p_credit uuid, p_amount bigint)
returns void
language plpgsql
set search_path = ''
as $$
begin
  update public.wallet_accounts as a
  set pending_debits_minor = a.pending_debits_minor + case when a.id = p_debit then p_amount else 0 end,
      pending_credits_minor = a.pending_credits_minor + case when a.id = p_credit then p_amount else 0 end
  where a.id in (p_debit, p_credit);
end;
$$;

-- ============================================================================
-- operations
-- ============================================================================
create function private.wallet_transfer_refusal(
  p_debit public.wallet_accounts, p_credit public.wallet_accounts, p_actor uuid, p_service boolean,
  p_currency text, p_amount bigint
)
returns jsonb
language plpgsql
immutable
set search_path = ''
as $$
begin
  -- Someone else's account looks like a missing one: existence is not revealed.
  if p_debit.id is null or not (p_service or p_debit.user_id = p_actor) then
    return private.wallet_fail(404, 'account_not_found', 'Source account not found');
  end if;
  if p_credit.id is null then
    return private.wallet_fail(404, 'account_not_found', 'Destination account not found');
  end if;
  if p_debit.closed_at is not null or p_credit.closed_at is not null then
    return private.wallet_fail(422, 'account_closed', 'An account of this transfer is closed');
  end if;
  if p_debit.currency <> p_currency or p_credit.currency <> p_currency then
    return private.wallet_fail(422, 'currency_mismatch',
      'Both accounts must hold ' || p_currency || ' (an exchange is two transfers through liquidity accounts)');
  end if;
  if not p_debit.allow_overdraft
     and p_debit.posted_balance_minor - p_debit.pending_debits_minor < p_amount then
    return private.wallet_fail(422, 'insufficient_funds', 'The source account has insufficient available funds');
  end if;
  return null;
end;
$$;

comment on function private.wallet_transfer_refusal(public.wallet_accounts, public.wallet_accounts, uuid, boolean, text, bigint) is
  'Why a transfer of p_amount between these accounts is refused (a failure outcome), or null.';

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

  -- Both accounts locked in one statement, in the global (id) order (see wallet_lock_accounts),
  -- before anything is written: the transaction row's foreign keys then find the accounts already
  -- locked by this transaction. (Writing the row first, to hold the locks for less, made every
  -- waiting transfer add a KEY SHARE lock to the hot accounts, i.e. multixacts; it measured no
  -- better.)
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

  insert into public.wallet_transactions
    (kind, debit_account_id, credit_account_id, amount_minor, currency, description, expires_at,
     created_by)
  values (case when v_timeout is null then 'transfer' else 'pending' end::public.wallet_transaction_kind,
          v_from, v_to, v_amount, v_currency, p ->> 'description',
          clock_timestamp() + make_interval(secs => v_timeout), p_actor)
  returning * into v_tx;
  if v_timeout is null then
    perform private.wallet_write_entries(v_tx.id, v_from, v_to, v_amount);
  else
    insert into private.wallet_open_pendings (transaction_id, expires_at) values (v_tx.id, v_tx.expires_at);
    perform private.wallet_shift_pending(v_from, v_to, v_amount);
  end if;
  return private.wallet_success(v_tx);
end;
$$;

-- ============================================================================
-- API (security definer, search_path = ''): plpgsql wrappers, planned once per session
-- ============================================================================
create or replace function public.wallet_transfer(
  p_from_account_id uuid, p_to_account_id uuid, p_amount_minor bigint, p_currency text,
  p_description text default null, p_pending_timeout_seconds integer default null,
  p_idempotency_key text default null
)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
begin
  return private.wallet_execute(jsonb_strip_nulls(jsonb_build_object(
    'op', 'transfer', 'from_account_id', p_from_account_id, 'to_account_id', p_to_account_id,
    'amount_minor', p_amount_minor, 'currency', p_currency, 'description', p_description,
    'pending_timeout_seconds', p_pending_timeout_seconds)), p_idempotency_key);
end;
$$;

create or replace function public.wallet_post_pending(
  p_transfer_id uuid, p_amount_minor bigint default null, p_idempotency_key text default null
)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
begin
  return private.wallet_execute(jsonb_strip_nulls(jsonb_build_object(
    'op', 'post', 'transfer_id', p_transfer_id, 'amount_minor', p_amount_minor)), p_idempotency_key);
end;
$$;

create or replace function public.wallet_void_pending(p_transfer_id uuid, p_idempotency_key text default null)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
begin
  return private.wallet_execute(jsonb_build_object('op', 'void', 'transfer_id', p_transfer_id),
                                p_idempotency_key);
end;
$$;

create or replace function public.wallet_reverse(
  p_transfer_id uuid, p_description text default null, p_idempotency_key text default null
)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
begin
  return private.wallet_execute(jsonb_strip_nulls(jsonb_build_object(
    'op', 'reverse', 'transfer_id', p_transfer_id, 'description', p_description)), p_idempotency_key);
end;
$$;

-- ============================================================================
-- grants (the replaced functions keep theirs)
-- ============================================================================
revoke all on function private.wallet_transfer_body(public.wallet_transactions, text) from public, anon, authenticated;
revoke all on function private.wallet_success(public.wallet_transactions) from public, anon, authenticated;
revoke all on function private.wallet_transfer_refusal(public.wallet_accounts, public.wallet_accounts, uuid, boolean, text, bigint) from public, anon, authenticated;
