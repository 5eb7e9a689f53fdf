-- Wallet account operations for operators (issue 15): close an account, allow or forbid overdraft.
-- Service role only (ops, SQL console, support tooling): a user cannot close their own wallet or
-- grant themselves credit through the wallet API. Each change is an UPDATE of wallet_accounts, so
-- the audit trigger records it (actor role, correlation id). Outcomes are jsonb like the transfer
-- functions': {ok, status, account | error, message}.

-- ============================================================================
-- functions
-- ============================================================================
create function private.wallet_account_json(p_account public.wallet_accounts)
returns jsonb
language plpgsql
immutable
set search_path = ''
as $$
begin
  return jsonb_build_object(
    'id', p_account.id, 'kind', p_account.kind, 'currency', p_account.currency,
    'allow_overdraft', p_account.allow_overdraft, 'posted_balance_minor', p_account.posted_balance_minor,
    'pending_debits_minor', p_account.pending_debits_minor,
    'pending_credits_minor', p_account.pending_credits_minor, 'closed_at', p_account.closed_at);
end;
$$;

create function public.wallet_close_account(p_account_id uuid)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_account public.wallet_accounts;
begin
  -- Locked like a transfer locks it: a transfer in flight finishes first, a later one sees closed_at.
  select a.* into v_account from public.wallet_accounts as a where a.id = p_account_id
  for no key update;
  if v_account.id is null then
    return private.wallet_fail(404, 'account_not_found', 'Account not found');
  end if;
  if v_account.closed_at is not null then
    return private.wallet_fail(409, 'account_closed', 'The account is already closed');
  end if;
  if v_account.pending_debits_minor <> 0 or v_account.pending_credits_minor <> 0 then
    return private.wallet_fail(409, 'account_has_pendings',
      'The account has pending transfers; post, void or let them expire first');
  end if;
  if v_account.posted_balance_minor <> 0 then
    return private.wallet_fail(409, 'account_has_balance',
      'The account still holds money; transfer its balance out first');
  end if;
  update public.wallet_accounts as a set closed_at = clock_timestamp()
  where a.id = p_account_id
  returning * into v_account;
  return jsonb_build_object('ok', true, 'status', 200, 'account', private.wallet_account_json(v_account));
end;
$$;

comment on function public.wallet_close_account(uuid) is
  'Operators (service_role): close an account with a zero balance and no pending transfers; a '
  'closed account takes part in no transfer, reversal or resolution any more. Refusals: '
  'account_not_found, account_closed, account_has_pendings, account_has_balance.';

create function public.wallet_set_overdraft(p_account_id uuid, p_allow boolean)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_account public.wallet_accounts;
begin
  if p_allow is null then
    return private.wallet_fail(422, 'invalid_overdraft', 'allow must be true or false');
  end if;
  select a.* into v_account from public.wallet_accounts as a where a.id = p_account_id
  for no key update;
  if v_account.id is null then
    return private.wallet_fail(404, 'account_not_found', 'Account not found');
  end if;
  if v_account.closed_at is not null then
    return private.wallet_fail(409, 'account_closed', 'The account is closed');
  end if;
  if not p_allow and v_account.posted_balance_minor - v_account.pending_debits_minor < 0 then
    return private.wallet_fail(409, 'account_overdrawn',
      'The account is overdrawn; bring its available balance to zero or more first');
  end if;
  if v_account.allow_overdraft is distinct from p_allow then
    update public.wallet_accounts as a set allow_overdraft = p_allow
    where a.id = p_account_id
    returning * into v_account;
  end if;
  return jsonb_build_object('ok', true, 'status', 200, 'account', private.wallet_account_json(v_account));
end;
$$;

comment on function public.wallet_set_overdraft(uuid, boolean) is
  'Operators (service_role): allow (true) or forbid (false) an account to go below zero available. '
  'The schema has no overdraft limit: allowed means unbounded, so grant it to platform accounts. '
  'Forbidding it is refused while the account is overdrawn (account_overdrawn); setting the value '
  'it already has changes (and audits) nothing.';

-- ============================================================================
-- grants: service_role only
-- ============================================================================
revoke all on function private.wallet_account_json(public.wallet_accounts) from public, anon, authenticated;
revoke all on function public.wallet_close_account(uuid) from public, anon, authenticated;
revoke all on function public.wallet_set_overdraft(uuid, boolean) from public, anon, authenticated;
grant execute on function public.wallet_close_account(uuid) to service_role;
grant execute on function public.wallet_set_overdraft(uuid, boolean) to service_role;
