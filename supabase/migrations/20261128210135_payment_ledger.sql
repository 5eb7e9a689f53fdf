-- Payments become money: private.apply_money_batch (called by webhook-processor in the same
-- transaction as settle_webhook_batch) records each event's provider objects order-safely and moves
-- money exactly once per provider payment / refund (unique wallet_transactions.external_ref).

-- ============================================================================
-- accounts on demand
-- ============================================================================
create function private.wallet_platform_account(
  p_kind public.wallet_account_kind, p_provider text, p_currency text
)
returns uuid
language plpgsql
set search_path = ''
as $$
declare
  v_id uuid;
begin
  insert into public.wallet_accounts (kind, provider, currency, allow_overdraft)
  values (p_kind, p_provider, p_currency, p_kind in ('clearing', 'fx_liquidity'))
  on conflict (kind, coalesce(provider, ''), currency) where kind <> 'user' do nothing
  returning id into v_id;
  if v_id is null then -- a new statement: sees the row a concurrent insert just committed
    select a.id into v_id from public.wallet_accounts as a
    where a.kind = p_kind and coalesce(a.provider, '') = coalesce(p_provider, '') and a.currency = p_currency;
  end if;
  return v_id;
end;
$$;

comment on function private.wallet_platform_account(public.wallet_account_kind, text, text) is
  'The platform account of a kind (and provider) in a currency, created on first use; clearing '
  'and FX liquidity accounts may go negative (they mirror money held elsewhere).';

create function private.wallet_user_account(p_user_id uuid, p_currency text)
returns uuid
language plpgsql
set search_path = ''
as $$
declare
  v_id uuid;
begin
  insert into public.wallet_accounts (kind, user_id, organisation_id, currency)
  select 'user', p_user_id,
         (select o.id from public.organisations as o where o.personal and o.created_by = p_user_id),
         p_currency
  on conflict (user_id, currency) where kind = 'user' do nothing
  returning id into v_id;
  if v_id is null then
    select a.id into v_id from public.wallet_accounts as a
    where a.kind = 'user' and a.user_id = p_user_id and a.currency = p_currency;
  end if;
  return v_id;
end;
$$;

comment on function private.wallet_user_account(uuid, text) is
  'A user''s wallet in a currency (in their personal organisation), created on first use.';

create function private.wallet_move_external(
  p_kind public.wallet_transaction_kind, p_external_ref text, p_debit uuid, p_credit uuid,
  p_amount bigint, p_currency text, p_description text
)
returns uuid
language plpgsql
set search_path = ''
as $$
declare
  v_debit public.wallet_accounts;
  v_id uuid;
begin
  perform private.wallet_lock_accounts(p_debit, p_credit);
  select t.id into v_id from public.wallet_transactions as t where t.external_ref = p_external_ref;
  if v_id is not null then
    return v_id; -- this provider event already moved its money
  end if;
  select a.* into v_debit from public.wallet_accounts as a where a.id = p_debit;
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
  'null when the debit account lacks the funds.';

-- ============================================================================
-- provider records
-- ============================================================================
create function private.upsert_provider_record(p_table text, p_row jsonb)
returns void
language plpgsql
set search_path = ''
as $$
declare
  v_cols text;
  v_sets text;
begin
  if p_table not in ('payment_intents', 'invoices', 'subscriptions', 'momo_transactions',
                     'revolut_transactions') then
    raise exception 'upsert_provider_record: unknown table %', p_table using errcode = '22023';
  end if;
  -- The newer event's values win; an older event only fills what is still unknown (a Revolut
  -- state change carries no amount, the creation event that does may arrive after it).
  select string_agg(format('%I', a.attname), ', ' order by a.attnum),
         string_agg(format('%1$I = case when excluded.last_event_at >= t.last_event_at '
                           'then coalesce(excluded.%1$I, t.%1$I) else coalesce(t.%1$I, excluded.%1$I) end',
                           a.attname), ', ' order by a.attnum)
  into v_cols, v_sets
  from pg_catalog.pg_attribute as a
  where a.attrelid = format('public.%I', p_table)::regclass and a.attnum > 0 and not a.attisdropped
    and a.attname not in ('id', 'updated_at') and p_row ? a.attname::text;
  execute format('insert into public.%1$I as t (id, %2$s) select id, %2$s '
                 'from jsonb_populate_record(null::public.%1$I, $1) '
                 'on conflict (id) do update set %3$s', p_table, v_cols, v_sets)
  using p_row;
end;
$$;

comment on function private.upsert_provider_record(text, jsonb) is
  'Order-safe upsert of one provider object into its provider-shaped table.';

-- ============================================================================
-- money
-- ============================================================================
create function private.apply_payment_money(p_provider text, p_provider_payment_id text)
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
      insert into public.wallet_discrepancies (check_name, subject_id, detail)
      values ('refund_exceeds_available_balance', p_provider || ':' || v_refund.provider_refund_id,
              jsonb_build_object('wallet_account_id', v_wallet, 'amount_minor', v_refund.amount_minor));
    else
      update public.refunds as r set wallet_transaction_id = v_tx where r.id = v_refund.id;
    end if;
  end loop;
end;
$$;

comment on function private.apply_payment_money(text, text) is
  'Credits a succeeded, attributed payment to the payer''s wallet from the provider''s clearing '
  'account, then debits each succeeded refund of it, each exactly once. A refund the wallet cannot '
  'cover is recorded in wallet_discrepancies and retried with the payment''s next event.';

create function private.apply_money_event(p_event public.webhook_events, p_money jsonb)
returns void
language plpgsql
set search_path = ''
as $$
declare
  v_record jsonb;
  v_row jsonb;
  v_p jsonb := p_money -> 'payment';
  v_r jsonb := p_money -> 'refund';
  v_user uuid;
begin
  if p_money ? 'invalid' then -- the processor could not read the event's money
    raise exception 'Unreadable payment event: %', p_money ->> 'invalid' using errcode = '22023';
  end if;
  for v_record in select * from jsonb_array_elements(coalesce(p_money -> 'records', '[]')) loop
    v_row := (v_record -> 'row') || jsonb_build_object('last_event_id', p_event.event_id,
                                                       'last_event_at', p_event.occurred_at);
    if v_row ->> 'user_id' is not null
       and not exists (select 1 from auth.users as u where u.id = (v_row ->> 'user_id')::uuid) then
      v_row := v_row || '{"user_id": null}';
    end if;
    perform private.upsert_provider_record(v_record ->> 'table', v_row);
  end loop;

  if v_p is not null then
    select u.id into v_user from auth.users as u where u.id = (v_p ->> 'user_id')::uuid;
    insert into public.payments as p
      (provider, provider_payment_id, user_id, amount_minor, currency, status, last_event_id, last_event_at)
    values (p_event.provider, v_p ->> 'provider_payment_id', v_user, (v_p ->> 'amount_minor')::bigint,
            v_p ->> 'currency', v_p ->> 'status', p_event.event_id, p_event.occurred_at)
    on conflict (provider, provider_payment_id) do update set
      user_id = coalesce(p.user_id, excluded.user_id),
      amount_minor = case when p.wallet_transaction_id is not null then p.amount_minor
                          when excluded.last_event_at >= p.last_event_at
                            then coalesce(excluded.amount_minor, p.amount_minor)
                          else coalesce(p.amount_minor, excluded.amount_minor) end,
      currency = coalesce(p.currency, excluded.currency),
      -- succeeded is final (money back is a refund); a later success overrides an earlier failure.
      status = case when p.status = 'succeeded' then p.status
                    when excluded.status = 'succeeded' or excluded.last_event_at >= p.last_event_at
                      then excluded.status
                    else p.status end,
      last_event_id = case when excluded.last_event_at >= p.last_event_at then excluded.last_event_id else p.last_event_id end,
      last_event_at = greatest(p.last_event_at, excluded.last_event_at);
    perform private.apply_payment_money(p_event.provider, v_p ->> 'provider_payment_id');
  end if;

  if v_r is not null then
    insert into public.refunds as r
      (provider, provider_refund_id, provider_payment_id, amount_minor, currency, status, reason,
       last_event_id, last_event_at)
    values (p_event.provider, v_r ->> 'provider_refund_id', v_r ->> 'provider_payment_id',
            (v_r ->> 'amount_minor')::bigint, v_r ->> 'currency', v_r ->> 'status', v_r ->> 'reason',
            p_event.event_id, p_event.occurred_at)
    on conflict (provider, provider_refund_id) do update set
      status = case when r.wallet_transaction_id is not null then r.status
                    when excluded.last_event_at >= r.last_event_at then excluded.status else r.status end,
      reason = coalesce(excluded.reason, r.reason),
      last_event_id = case when excluded.last_event_at >= r.last_event_at then excluded.last_event_id else r.last_event_id end,
      last_event_at = greatest(r.last_event_at, excluded.last_event_at);
    perform private.apply_payment_money(p_event.provider, v_r ->> 'provider_payment_id');
  end if;
end;
$$;

comment on function private.apply_money_event(public.webhook_events, jsonb) is
  'One verified event''s money projection: provider records (order-safe), the neutral payment or '
  'refund, then the ledger step. p_money = {records: [{table, row}], payment?, refund?}.';

create function private.apply_money_batch(p_items jsonb)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_item record;
  v_applied integer := 0;
  v_failed integer := 0;
begin
  for v_item in
    select e as event, i.value -> 'money' as money
    from jsonb_array_elements(coalesce(p_items, '[]')) as i
    join public.webhook_events as e on e.id = (i.value ->> 'webhook_event_id')::bigint
    where i.value -> 'money' is not null and jsonb_typeof(i.value -> 'money') = 'object'
    order by e.occurred_at, e.id
  loop
    begin
      perform private.apply_money_event(v_item.event, v_item.money);
      v_applied := v_applied + 1;
    exception
      when serialization_failure or deadlock_detected then
        raise; -- retryable: the whole batch runs again, nothing is recorded
      when others then
        -- A poison event never blocks the batch: it is recorded for an operator instead.
        insert into public.wallet_discrepancies (check_name, subject_id, detail)
        values ('payment_event_not_applied', (v_item.event).provider || ':' || (v_item.event).event_id,
                jsonb_build_object('error', sqlerrm, 'sqlstate', sqlstate));
        v_failed := v_failed + 1;
    end;
  end loop;
  return jsonb_build_object('applied', v_applied, 'failed', v_failed);
end;
$$;

comment on function private.apply_money_batch(jsonb) is
  'Applies [{webhook_event_id, money}] oldest provider time first, each in its own subtransaction: '
  'a failing event is recorded in wallet_discrepancies (payment_event_not_applied), retryable '
  'errors roll the whole call back.';

-- ============================================================================
-- grants
-- ============================================================================
revoke all on function private.wallet_platform_account(public.wallet_account_kind, text, text) from public, anon, authenticated;
revoke all on function private.wallet_user_account(uuid, text) from public, anon, authenticated;
revoke all on function private.wallet_move_external(public.wallet_transaction_kind, text, uuid, uuid, bigint, text, text) from public, anon, authenticated;
revoke all on function private.upsert_provider_record(text, jsonb) from public, anon, authenticated;
revoke all on function private.apply_payment_money(text, text) from public, anon, authenticated;
revoke all on function private.apply_money_event(public.webhook_events, jsonb) from public, anon, authenticated;
revoke all on function private.apply_money_batch(jsonb) from public, anon, authenticated;
grant execute on function private.apply_money_batch(jsonb) to service_role;
