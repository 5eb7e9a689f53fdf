-- Wallet transfers: one database function per operation (transfer, post, void, reverse), each one
-- round trip from the wallet edge function, idempotent by key (TigerBeetle style: the outcome is
-- stored, failures included). Outcomes are jsonb {ok, status, transfer | error, message}.

-- ============================================================================
-- tables
-- ============================================================================
create table private.wallet_idempotency_keys (
  scope text not null,
  key text not null,
  request_hash bytea not null,
  request jsonb not null,
  transaction_id uuid references public.wallet_transactions (id),
  failure jsonb,
  created_at timestamptz not null default now(),
  constraint wallet_idempotency_keys_pkey primary key (scope, key),
  constraint key_is_short check (length(key) between 1 and 255),
  constraint outcome_is_a_transaction_or_a_failure check ((transaction_id is null) <> (failure is null))
);

comment on table private.wallet_idempotency_keys is
  'One row per (caller, Idempotency-Key): sha256 of the canonical request, the request (to name '
  'the field a reused key changed) and the outcome: the transaction it wrote (its first answer is '
  'rebuilt from the immutable row, byte for byte) or the business failure. Written in the '
  'transaction that moved the money, so a rolled-back (retryable) attempt leaves no row.';

create table private.wallet_open_pendings (
  transaction_id uuid primary key references public.wallet_transactions (id),
  expires_at timestamptz not null
);

comment on table private.wallet_open_pendings is
  'Work list of pendings not yet posted, voided or expired (the expiry job scans only this). '
  'At-most-once resolution is enforced by the unique wallet_transactions.pending_id.';

create index wallet_open_pendings_expires_at_idx on private.wallet_open_pendings (expires_at);

-- ============================================================================
-- outcome helpers
-- ============================================================================
create function private.wallet_fail(p_status integer, p_code text, p_message text)
returns jsonb
language sql
immutable
set search_path = ''
as $$
  select jsonb_build_object('ok', false, 'status', p_status, 'error', p_code, 'message', p_message)
$$;

comment on function private.wallet_fail(integer, text, text) is
  'A business failure outcome: HTTP-like status and a stable error code (see README).';

create function private.wallet_transfer_json(p_id uuid, p_as_created boolean default false)
returns jsonb
language sql
stable
set search_path = ''
as $$
  select jsonb_build_object(
    'id', t.id, 'kind', t.kind,
    'status', case
      when t.kind <> 'pending' then 'posted'
      when p_as_created then 'pending'
      when r.kind = 'post' then 'posted'
      when r.kind = 'void' then 'voided'
      when r.kind = 'expire' then 'expired'
      else 'pending' end,
    'from_account_id', t.debit_account_id, 'to_account_id', t.credit_account_id,
    'amount_minor', t.amount_minor, 'currency', t.currency, 'description', t.description,
    'pending_id', t.pending_id, 'reverses_id', t.reverses_id, 'expires_at', t.expires_at,
    'created_at', t.created_at)
  from public.wallet_transactions as t
  left join public.wallet_transactions as r on r.pending_id = t.id
  where t.id = p_id
$$;

comment on function private.wallet_transfer_json(uuid, boolean) is
  'The API representation of a transaction: now, or as it was when written (p_as_created).';

create function private.wallet_ok(p_status integer, p_transaction_id uuid)
returns jsonb
language sql
stable
set search_path = ''
as $$
  -- Success is always a new transaction (201), answered as it was when written.
  select jsonb_build_object('ok', true, 'status', p_status,
                            'transfer', private.wallet_transfer_json(p_transaction_id, true))
$$;

-- ============================================================================
-- core writes (no checks: callers have locked the accounts and checked)
-- ============================================================================
create function private.wallet_lock_accounts(p_a uuid, p_b uuid)
returns setof public.wallet_accounts
language sql
set search_path = ''
as $$
  -- One global order (by id) so two transfers between the same accounts cannot deadlock. NO KEY
  -- UPDATE: the foreign-key checks of other transactions' entries (KEY SHARE) need not wait.
  select a.* from public.wallet_accounts as a where a.id in (p_a, p_b) order by a.id
  for no key update
$$;

create function private.wallet_write_entries(
  p_transaction_id uuid, p_debit uuid, p_credit uuid, p_amount bigint
)
returns void
language sql
set search_path = ''
as $$
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
  from moved as m
$$;

comment on function private.wallet_write_entries(uuid, uuid, uuid, bigint) is
  'Posts amount from debit to credit: both balances and versions move and one entry each is '
  'written, in one statement. The caller holds both account locks.';

create function private.wallet_shift_pending(p_debit uuid, p_credit uuid, p_amount bigint)
returns void
language sql
set search_path = ''
as $$
  update public.wallet_accounts as a
  set pending_debits_minor = a.pending_debits_minor + case when a.id = p_debit then p_amount else 0 end,
      pending_credits_minor = a.pending_credits_minor + case when a.id = p_credit then p_amount else 0 end
  where a.id in (p_debit, p_credit)
$$;

comment on function private.wallet_shift_pending(uuid, uuid, bigint) is
  'Reserves (amount > 0) or releases (amount < 0) a pending amount on both accounts.';

create function private.wallet_resolve_locked(
  p_pending public.wallet_transactions, p_kind public.wallet_transaction_kind, p_amount bigint,
  p_actor uuid
)
returns uuid
language plpgsql
set search_path = ''
as $$
declare
  v_id uuid;
begin
  insert into public.wallet_transactions
    (kind, debit_account_id, credit_account_id, amount_minor, currency, pending_id, created_by)
  values (p_kind, p_pending.debit_account_id, p_pending.credit_account_id,
          coalesce(p_amount, p_pending.amount_minor), p_pending.currency, p_pending.id, p_actor)
  returning id into v_id;
  delete from private.wallet_open_pendings as o where o.transaction_id = p_pending.id;
  perform private.wallet_shift_pending(p_pending.debit_account_id, p_pending.credit_account_id,
                                       -p_pending.amount_minor);
  if p_kind = 'post' then
    perform private.wallet_write_entries(v_id, p_pending.debit_account_id,
                                         p_pending.credit_account_id, p_amount);
  end if;
  return v_id;
end;
$$;

comment on function private.wallet_resolve_locked(public.wallet_transactions, public.wallet_transaction_kind, bigint, uuid) is
  'Post (p_amount, partial allowed), void or expire a pending whose accounts the caller has '
  'locked and which is still open: releases the whole reservation, posts p_amount when posting.';

-- ============================================================================
-- operations (each returns an outcome; business failures are outcomes, not exceptions)
-- ============================================================================
create function private.wallet_do_transfer(p jsonb, p_actor uuid, p_service boolean)
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
  v_id uuid;
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

  for v_acc in select * from private.wallet_lock_accounts(v_from, v_to) loop
    if v_acc.id = v_from then v_debit := v_acc; else v_credit := v_acc; end if;
  end loop;
  -- Someone else's account looks like a missing one: existence is not revealed.
  if v_debit.id is null or not (p_service or v_debit.user_id = p_actor) then
    return private.wallet_fail(404, 'account_not_found', 'Source account not found');
  end if;
  if v_credit.id is null then
    return private.wallet_fail(404, 'account_not_found', 'Destination account not found');
  end if;
  if v_debit.closed_at is not null or v_credit.closed_at is not null then
    return private.wallet_fail(422, 'account_closed', 'An account of this transfer is closed');
  end if;
  if v_debit.currency <> v_currency or v_credit.currency <> v_currency then
    return private.wallet_fail(422, 'currency_mismatch',
      'Both accounts must hold ' || v_currency || ' (an exchange is two transfers through liquidity accounts)');
  end if;
  if not v_debit.allow_overdraft
     and v_debit.posted_balance_minor - v_debit.pending_debits_minor < v_amount then
    return private.wallet_fail(422, 'insufficient_funds', 'The source account has insufficient available funds');
  end if;

  insert into public.wallet_transactions
    (kind, debit_account_id, credit_account_id, amount_minor, currency, description, expires_at,
     created_by)
  values (case when v_timeout is null then 'transfer' else 'pending' end::public.wallet_transaction_kind,
          v_from, v_to, v_amount, v_currency, p ->> 'description',
          clock_timestamp() + make_interval(secs => v_timeout), p_actor)
  returning id into v_id;

  if v_timeout is null then
    perform private.wallet_write_entries(v_id, v_from, v_to, v_amount);
  else
    insert into private.wallet_open_pendings (transaction_id, expires_at)
    select t.id, t.expires_at from public.wallet_transactions as t where t.id = v_id;
    perform private.wallet_shift_pending(v_from, v_to, v_amount);
  end if;
  return private.wallet_ok(201, v_id);
end;
$$;

comment on function private.wallet_do_transfer(jsonb, uuid, boolean) is
  'Transfer or reserve (pending_timeout_seconds) amount_minor between two accounts of the same '
  'currency, locking both in id order; rejects with invalid_amount, invalid_currency, '
  'self_transfer, invalid_timeout, account_not_found, account_closed, currency_mismatch, '
  'insufficient_funds (available = posted - pending debits, unless overdraft).';

create function private.wallet_do_resolve(p jsonb, p_actor uuid, p_service boolean)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_op text := p ->> 'op';
  v_amount bigint := (p ->> 'amount_minor')::bigint;
  v_pending public.wallet_transactions;
  v_owner uuid;
  v_id uuid;
begin
  select t.* into v_pending from public.wallet_transactions as t
  where t.id = (p ->> 'transfer_id')::uuid;
  select a.user_id into v_owner from public.wallet_accounts as a where a.id = v_pending.debit_account_id;
  if v_pending.id is null or not (p_service or v_owner = p_actor) then
    return private.wallet_fail(404, 'transfer_not_found', 'Transfer not found');
  end if;
  if v_pending.kind <> 'pending' then
    return private.wallet_fail(422, 'transfer_not_pending', 'Only a pending transfer can be posted or voided');
  end if;
  if v_amount is not null and v_amount <= 0 then
    return private.wallet_fail(422, 'invalid_amount', 'amount_minor must be a positive integer');
  end if;
  if v_amount > v_pending.amount_minor then
    return private.wallet_fail(422, 'amount_exceeds_pending', 'amount_minor is more than the pending amount');
  end if;

  perform private.wallet_lock_accounts(v_pending.debit_account_id, v_pending.credit_account_id);
  -- Checked under the locks: a concurrent post, void or expiry has committed by now.
  if exists (select 1 from public.wallet_transactions as r where r.pending_id = v_pending.id) then
    return private.wallet_fail(422, 'transfer_not_pending', 'The pending transfer is already resolved');
  end if;
  if clock_timestamp() >= v_pending.expires_at then
    -- Past its timeout it can never be posted: expire it now rather than wait for the job.
    perform private.wallet_resolve_locked(v_pending, 'expire', null, null);
    return private.wallet_fail(422, 'pending_expired', 'The pending transfer has expired');
  end if;

  v_id := private.wallet_resolve_locked(v_pending, v_op::public.wallet_transaction_kind,
                                        coalesce(v_amount, v_pending.amount_minor), p_actor);
  return private.wallet_ok(201, v_id);
end;
$$;

comment on function private.wallet_do_resolve(jsonb, uuid, boolean) is
  'Post (in full, or part: amount_minor) or void a pending transfer, by the owner of its source '
  'account or service_role; at most once, never after its expiry.';

create function private.wallet_do_reverse(p jsonb, p_actor uuid, p_service boolean)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_orig public.wallet_transactions;
  v_recipient public.wallet_accounts;
  v_sender public.wallet_accounts;
  v_id uuid;
begin
  select t.* into v_orig from public.wallet_transactions as t where t.id = (p ->> 'transfer_id')::uuid;
  select a.* into v_recipient from public.wallet_accounts as a where a.id = v_orig.credit_account_id;
  if v_orig.id is null or not (p_service or v_recipient.user_id = p_actor) then
    -- Only the side that received the money (or an operator) can send it back.
    return private.wallet_fail(404, 'transfer_not_found', 'Transfer not found');
  end if;
  if v_orig.kind not in ('transfer', 'post') then
    return private.wallet_fail(422, 'transfer_not_reversible',
      'Only posted transfers can be reversed (payments are reversed by a provider refund)');
  end if;

  perform private.wallet_lock_accounts(v_orig.debit_account_id, v_orig.credit_account_id);
  if exists (select 1 from public.wallet_transactions as r where r.reverses_id = v_orig.id) then
    return private.wallet_fail(422, 'transfer_already_reversed', 'The transfer is already reversed');
  end if;
  select a.* into v_recipient from public.wallet_accounts as a where a.id = v_orig.credit_account_id;
  select a.* into v_sender from public.wallet_accounts as a where a.id = v_orig.debit_account_id;
  if v_recipient.closed_at is not null or v_sender.closed_at is not null then
    return private.wallet_fail(422, 'account_closed', 'An account of this transfer is closed');
  end if;
  if not v_recipient.allow_overdraft
     and v_recipient.posted_balance_minor - v_recipient.pending_debits_minor < v_orig.amount_minor then
    return private.wallet_fail(422, 'insufficient_funds', 'The recipient no longer has the funds to reverse');
  end if;

  insert into public.wallet_transactions
    (kind, debit_account_id, credit_account_id, amount_minor, currency, description, reverses_id,
     created_by)
  values ('reversal', v_orig.credit_account_id, v_orig.debit_account_id, v_orig.amount_minor,
          v_orig.currency, coalesce(p ->> 'description', 'Reversal'), v_orig.id, p_actor)
  returning id into v_id;
  perform private.wallet_write_entries(v_id, v_orig.credit_account_id, v_orig.debit_account_id,
                                       v_orig.amount_minor);
  return private.wallet_ok(201, v_id);
end;
$$;

comment on function private.wallet_do_reverse(jsonb, uuid, boolean) is
  'Sends a posted transfer back as a new linked transaction (reverses_id), at most once, by the '
  'recipient or service_role; the recipient needs the funds.';

-- ============================================================================
-- idempotency
-- ============================================================================
create function private.wallet_execute(p_request jsonb, p_key text)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_claims jsonb := coalesce(nullif(current_setting('request.jwt.claims', true), ''), '{}')::jsonb;
  v_actor uuid := nullif(v_claims ->> 'sub', '')::uuid;
  v_service boolean := (v_claims ->> 'role') = 'service_role';
  v_scope text := coalesce(v_actor::text, case when v_service then 'service_role' end);
  v_hash bytea := sha256(convert_to(p_request::text, 'UTF8'));
  v_prior private.wallet_idempotency_keys;
  v_field text;
  v_result jsonb;
begin
  if v_scope is null then
    return private.wallet_fail(401, 'unauthorized', 'Sign in to use the wallet');
  end if;
  if p_key is not null then
    if length(p_key) not between 1 and 255 then
      return private.wallet_fail(400, 'invalid_idempotency_key', 'Idempotency-Key must be 1 to 255 characters');
    end if;
    -- A duplicate of a request still in flight gets 409 at once instead of waiting for it.
    if not pg_try_advisory_xact_lock(hashtextextended(v_scope || ':' || p_key, 0)) then
      return private.wallet_fail(409, 'idempotency_key_in_flight',
        'A request with this Idempotency-Key is in progress; retry later');
    end if;
    select k.* into v_prior from private.wallet_idempotency_keys as k
    where k.scope = v_scope and k.key = p_key;
    if v_prior.scope is not null then
      if v_prior.request_hash = v_hash then
        return coalesce(v_prior.failure, private.wallet_ok(201, v_prior.transaction_id))
               || '{"replayed": true}';
      end if;
      select coalesce(n.key, o.key) into v_field
      from jsonb_each(p_request) as n full join jsonb_each(v_prior.request) as o on o.key = n.key
      where n.value is distinct from o.value
      order by 1 limit 1;
      return private.wallet_fail(422, 'idempotency_key_reused',
        'Idempotency-Key was used for a different request (' || coalesce(v_field, 'op') || ' differs)');
    end if;
  end if;

  v_result := case p_request ->> 'op'
    when 'transfer' then private.wallet_do_transfer(p_request, v_actor, v_service)
    when 'post' then private.wallet_do_resolve(p_request, v_actor, v_service)
    when 'void' then private.wallet_do_resolve(p_request, v_actor, v_service)
    when 'reverse' then private.wallet_do_reverse(p_request, v_actor, v_service)
  end;
  if v_result is null then
    raise exception 'wallet_execute: unknown op %', p_request ->> 'op' using errcode = '22023';
  end if;
  if p_key is not null then
    insert into private.wallet_idempotency_keys (scope, key, request_hash, request, transaction_id, failure)
    values (v_scope, p_key, v_hash, p_request, (v_result #>> '{transfer,id}')::uuid,
            case when not (v_result ->> 'ok')::boolean then v_result end);
  end if;
  return v_result || '{"replayed": false}';
end;
$$;

comment on function private.wallet_execute(jsonb, text) is
  'Runs one wallet operation for the caller (request.jwt.claims) once per Idempotency-Key: a '
  'replay returns the stored outcome (success or business failure) with replayed=true; a changed '
  'request is refused naming the differing field; a duplicate in flight gets 409. Serialization '
  'failures and deadlocks raise and roll everything back, key included, so a retry runs afresh.';

-- ============================================================================
-- API (security definer, search_path = '')
-- ============================================================================
create function public.wallet_transfer(
  p_from_account_id uuid, p_to_account_id uuid, p_amount_minor bigint, p_currency text,
  p_description text default null, p_pending_timeout_seconds integer default null,
  p_idempotency_key text default null
)
returns jsonb
language sql
security definer
set search_path = ''
as $$
  select private.wallet_execute(jsonb_strip_nulls(jsonb_build_object(
    'op', 'transfer', 'from_account_id', p_from_account_id, 'to_account_id', p_to_account_id,
    'amount_minor', p_amount_minor, 'currency', p_currency, 'description', p_description,
    'pending_timeout_seconds', p_pending_timeout_seconds)), p_idempotency_key)
$$;

comment on function public.wallet_transfer(uuid, uuid, bigint, text, text, integer, text) is
  'RPC: move (or, with p_pending_timeout_seconds, reserve) money from the caller''s account. '
  'Returns {ok, status, transfer | error, message, replayed}.';

create function public.wallet_post_pending(
  p_transfer_id uuid, p_amount_minor bigint default null, p_idempotency_key text default null
)
returns jsonb
language sql
security definer
set search_path = ''
as $$
  select private.wallet_execute(jsonb_strip_nulls(jsonb_build_object(
    'op', 'post', 'transfer_id', p_transfer_id, 'amount_minor', p_amount_minor)), p_idempotency_key)
$$;

create function public.wallet_void_pending(p_transfer_id uuid, p_idempotency_key text default null)
returns jsonb
language sql
security definer
set search_path = ''
as $$
  select private.wallet_execute(jsonb_build_object('op', 'void', 'transfer_id', p_transfer_id),
                                p_idempotency_key)
$$;

create function public.wallet_reverse(
  p_transfer_id uuid, p_description text default null, p_idempotency_key text default null
)
returns jsonb
language sql
security definer
set search_path = ''
as $$
  select private.wallet_execute(jsonb_strip_nulls(jsonb_build_object(
    'op', 'reverse', 'transfer_id', p_transfer_id, 'description', p_description)), p_idempotency_key)
$$;

comment on function public.wallet_post_pending(uuid, bigint, text) is 'RPC: post a pending transfer (all or part).';
comment on function public.wallet_void_pending(uuid, text) is 'RPC: void a pending transfer.';
comment on function public.wallet_reverse(uuid, text, text) is 'RPC: reverse a posted transfer (recipient or service_role).';

create function public.wallet_open_account(p_currency text, p_organisation_id uuid default null)
returns public.wallet_accounts
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_user uuid := (select auth.uid());
  v_org uuid := p_organisation_id;
  v_account public.wallet_accounts;
begin
  if v_user is null then
    raise exception 'Not authenticated' using errcode = 'insufficient_privilege';
  end if;
  if v_org is null then
    select o.id into v_org from public.organisations as o where o.personal and o.created_by = v_user;
  elsif not private.is_member(v_org) then
    raise exception 'Organisation not found' using errcode = 'no_data_found';
  end if;
  insert into public.wallet_accounts (kind, user_id, organisation_id, currency)
  values ('user', v_user, v_org, upper(p_currency))
  on conflict (user_id, currency) where kind = 'user' do nothing
  returning * into v_account;
  if v_account.id is null then
    select a.* into v_account from public.wallet_accounts as a
    where a.kind = 'user' and a.user_id = v_user and a.currency = upper(p_currency);
  end if;
  return v_account;
end;
$$;

comment on function public.wallet_open_account(text, uuid) is
  'RPC: the caller''s wallet in p_currency, created on first use (in their personal organisation '
  'unless one they belong to is named).';

create function public.wallet_balance_at(p_account_id uuid, p_at timestamptz)
returns bigint
language sql
stable
security invoker
set search_path = ''
as $$
  -- RLS on wallet_entries limits this to accounts the caller may read (0 for others).
  select coalesce((
    select e.balance_after_minor from public.wallet_entries as e
    where e.account_id = p_account_id and e.created_at <= p_at
    order by e.version desc limit 1), 0)
$$;

comment on function public.wallet_balance_at(uuid, timestamptz) is
  'Posted balance of an account at a point in time: balance after its last entry written by then.';

-- ============================================================================
-- expiry (pg_cron)
-- ============================================================================
create function private.wallet_expire_pendings(p_limit integer default 1000)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_due uuid[];
  v_pending public.wallet_transactions;
  v_count integer := 0;
begin
  select array_agg(o.transaction_id) into v_due
  from (select o.transaction_id from private.wallet_open_pendings as o
        where o.expires_at <= clock_timestamp() order by o.expires_at limit p_limit) as o;
  if v_due is null then
    return 0;
  end if;
  -- Every account of the batch locked in one statement, in the global (id) order: locking pair
  -- after pair would deadlock with transfers that lock in that order.
  perform 1 from public.wallet_accounts as a
  where a.id in (select t.debit_account_id from public.wallet_transactions as t where t.id = any (v_due)
                 union
                 select t.credit_account_id from public.wallet_transactions as t where t.id = any (v_due))
  order by a.id
  for no key update;
  for v_pending in
    select t.* from public.wallet_transactions as t
    where t.id = any (v_due)
      and not exists (select 1 from public.wallet_transactions as r where r.pending_id = t.id)
  loop
    perform private.wallet_resolve_locked(v_pending, 'expire', null, null);
    v_count := v_count + 1;
  end loop;
  return v_count;
end;
$$;

comment on function private.wallet_expire_pendings(integer) is
  'Expires pendings past their timeout (tallyq_wallet_expire_pendings, every minute): releases '
  'the reservation with an expire transaction. Posting after the timeout fails even before it runs.';

select cron.schedule('tallyq_wallet_expire_pendings', '* * * * *',
  $$select private.wallet_expire_pendings()$$);

-- ============================================================================
-- grants
-- ============================================================================
revoke all on private.wallet_idempotency_keys, private.wallet_open_pendings from public, anon, authenticated;
grant select on private.wallet_idempotency_keys, private.wallet_open_pendings to service_role;

revoke all on function private.wallet_fail(integer, text, text) from public, anon, authenticated;
revoke all on function private.wallet_transfer_json(uuid, boolean) from public, anon, authenticated;
revoke all on function private.wallet_ok(integer, uuid) from public, anon, authenticated;
revoke all on function private.wallet_lock_accounts(uuid, uuid) from public, anon, authenticated;
revoke all on function private.wallet_write_entries(uuid, uuid, uuid, bigint) from public, anon, authenticated;
revoke all on function private.wallet_shift_pending(uuid, uuid, bigint) from public, anon, authenticated;
revoke all on function private.wallet_resolve_locked(public.wallet_transactions, public.wallet_transaction_kind, bigint, uuid) from public, anon, authenticated;
revoke all on function private.wallet_do_transfer(jsonb, uuid, boolean) from public, anon, authenticated;
revoke all on function private.wallet_do_resolve(jsonb, uuid, boolean) from public, anon, authenticated;
revoke all on function private.wallet_do_reverse(jsonb, uuid, boolean) from public, anon, authenticated;
revoke all on function private.wallet_execute(jsonb, text) from public, anon, authenticated;
revoke all on function private.wallet_expire_pendings(integer) from public, anon, authenticated;
grant execute on function private.wallet_expire_pendings(integer) to service_role;

revoke all on function public.wallet_transfer(uuid, uuid, bigint, text, text, integer, text) from public, anon;
revoke all on function public.wallet_post_pending(uuid, bigint, text) from public, anon;
revoke all on function public.wallet_void_pending(uuid, text) from public, anon;
revoke all on function public.wallet_reverse(uuid, text, text) from public, anon;
revoke all on function public.wallet_open_account(text, uuid) from public, anon;
revoke all on function public.wallet_balance_at(uuid, timestamptz) from public, anon;
grant execute on function public.wallet_transfer(uuid, uuid, bigint, text, text, integer, text) to authenticated, service_role;
grant execute on function public.wallet_post_pending(uuid, bigint, text) to authenticated, service_role;
grant execute on function public.wallet_void_pending(uuid, text) to authenticated, service_role;
grant execute on function public.wallet_reverse(uuid, text, text) to authenticated, service_role;
grant execute on function public.wallet_open_account(text, uuid) to authenticated;
grant execute on function public.wallet_balance_at(uuid, timestamptz) to authenticated, service_role;
