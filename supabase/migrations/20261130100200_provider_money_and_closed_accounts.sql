-- Provider money and closed accounts: a closed account takes part in no transfer, and now that holds
-- for provider money too. A succeeded payment for a closed wallet is not credited, and a refund is
-- not debited from one; each is recorded once in public.wallet_discrepancies
-- (payment_to_closed_account, refund_from_closed_account) for an operator to settle at the provider
-- (a closed account is never reopened). Discrepancies of the payment step are recorded once per
-- subject instead of once per event that retried them.

-- ============================================================================
-- functions
-- ============================================================================
create or replace function private.wallet_move_external(
  p_kind public.wallet_transaction_kind, p_external_ref text, p_debit uuid, p_credit uuid,
  p_amount bigint, p_currency text, p_description text
)
returns uuid
language plpgsql
set search_path = ''
as $$
declare
  v_acc public.wallet_accounts;
  v_debit public.wallet_accounts;
  v_closed boolean := false;
  v_id uuid;
begin
  for v_acc in select * from private.wallet_lock_accounts(p_debit, p_credit) loop
    v_closed := v_closed or v_acc.closed_at is not null;
    if v_acc.id = p_debit then v_debit := v_acc; end if;
  end loop;
  select t.id into v_id from public.wallet_transactions as t where t.external_ref = p_external_ref;
  if v_id is not null then
    return v_id; -- this provider event already moved its money
  end if;
  if v_closed then
    return null;
  end if;
  if not v_debit.allow_overdraft
     and v_debit.posted_balance_minor - v_debit.pending_debits_minor < p_amount then
    return null;
  end if;
  insert into public.wallet_transactions
    (kind, debit_account_id, credit_account_id, amount_minor, currency, description, external_ref)
  values (p_kind, p_debit, p_credit, p_amount, p_currency, p_description, p_external_ref)
  returning id into v_id;
  perform private.wallet_write_entries(v_id, p_debit, p_credit, p_amount);
  return v_id;
end;
$$;

comment on function private.wallet_move_external(public.wallet_transaction_kind, text, uuid, uuid, bigint, text, text) is
  'Moves provider money once per external_ref (returns the existing transaction on a repeat); '
  'null when an account is closed or the debit account lacks the funds.';

create function private.record_payment_discrepancy(p_check_name text, p_subject_id text, p_detail jsonb)
returns void
language sql
set search_path = ''
as $$
  insert into public.wallet_discrepancies (check_name, subject_id, detail)
  select p_check_name, p_subject_id, p_detail
  where not exists (select 1 from public.wallet_discrepancies as d
                    where d.check_name = p_check_name and d.subject_id = p_subject_id);
$$;

comment on function private.record_payment_discrepancy(text, text, jsonb) is
  'Records what the payment step could not apply, once per check and subject.';

create or replace function private.apply_payment_money(p_provider text, p_provider_payment_id text)
returns void
language plpgsql
set search_path = ''
as $$
declare
  v_pay public.payments;
  v_refund public.refunds;
  v_wallet uuid;
  v_clearing uuid;
  v_tx uuid;
begin
  -- One payment at a time: two events of the same payment processed at once wait here.
  select p.* into v_pay from public.payments as p
  where p.provider = p_provider and p.provider_payment_id = p_provider_payment_id for update;
  if v_pay.id is null or v_pay.user_id is null or v_pay.currency is null then
    return; -- not (yet) known, or not a wallet top-up
  end if;
  v_wallet := private.wallet_user_account(v_pay.user_id, v_pay.currency);
  v_clearing := private.wallet_platform_account('clearing', p_provider, v_pay.currency);

  if v_pay.status = 'succeeded' and v_pay.wallet_transaction_id is null and v_pay.amount_minor is not null then
    v_tx := private.wallet_move_external('payment', 'payment:' || p_provider || ':' || p_provider_payment_id,
      v_clearing, v_wallet, v_pay.amount_minor, v_pay.currency, 'Payment ' || p_provider_payment_id);
    if v_tx is null then
      perform private.record_payment_discrepancy('payment_to_closed_account',
        p_provider || ':' || p_provider_payment_id,
        jsonb_build_object('wallet_account_id', v_wallet, 'amount_minor', v_pay.amount_minor));
      return;
    end if;
    update public.payments as p
    set wallet_transaction_id = v_tx,
        organisation_id = (select a.organisation_id from public.wallet_accounts as a where a.id = v_wallet)
    where p.id = v_pay.id;
    v_pay.wallet_transaction_id := v_tx;
  end if;
  if v_pay.wallet_transaction_id is null then
    return; -- refunds wait until the payment itself has been credited
  end if;

  for v_refund in
    select r.* from public.refunds as r
    where r.provider = p_provider and r.provider_payment_id = p_provider_payment_id
      and r.status = 'succeeded' and r.wallet_transaction_id is null
    order by r.created_at for update
  loop
    v_tx := private.wallet_move_external('refund', 'refund:' || p_provider || ':' || v_refund.provider_refund_id,
      v_wallet, v_clearing, v_refund.amount_minor, v_refund.currency, 'Refund ' || v_refund.provider_refund_id);
    if v_tx is null then
      perform private.record_payment_discrepancy(
        case when exists (select 1 from public.wallet_accounts as a where a.id = v_wallet and a.closed_at is not null)
          then 'refund_from_closed_account' else 'refund_exceeds_available_balance' end,
        p_provider || ':' || v_refund.provider_refund_id,
        jsonb_build_object('wallet_account_id', v_wallet, 'amount_minor', v_refund.amount_minor));
    else
      update public.refunds as r set wallet_transaction_id = v_tx where r.id = v_refund.id;
    end if;
  end loop;
end;
$$;

comment on function private.apply_payment_money(text, text) is
  'Credits a succeeded, attributed payment to the payer''s wallet from the provider''s clearing '
  'account, then debits each succeeded refund of it, each exactly once. What cannot be applied (a '
  'closed wallet, a refund the wallet cannot cover) is recorded once in wallet_discrepancies; a '
  'refund the wallet cannot cover yet is retried with the payment''s next event.';

-- ============================================================================
-- grants
-- ============================================================================
revoke all on function private.record_payment_discrepancy(text, text, jsonb) from public, anon, authenticated;
