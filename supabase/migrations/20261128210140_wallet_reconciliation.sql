-- Reconciliation: the ledger's invariants plus payments ↔ ledger agreement, as one function, and a
-- daily pg_cron job that records whatever it finds in public.wallet_discrepancies (empty = well).

create function private.wallet_reconcile()
returns table (check_name text, subject_id text, detail jsonb)
language sql
stable
security definer
set search_path = ''
as $$
  select v.check_name, v.subject_id::text, v.detail from private.wallet_ledger_violations() as v
  union all
  -- A succeeded payment for a wallet is credited once, for its amount.
  select 'succeeded_payment_is_credited', p.provider || ':' || p.provider_payment_id,
         jsonb_build_object('amount_minor', p.amount_minor, 'credited_minor', t.amount_minor)
  from public.payments as p
  left join public.wallet_transactions as t on t.id = p.wallet_transaction_id
  where p.status = 'succeeded' and p.user_id is not null and p.amount_minor is not null
    and (t.id is null or t.amount_minor <> p.amount_minor or t.currency <> p.currency
         or t.kind <> 'payment')
  union all
  -- Money moved for a payment that is not (or no longer) a succeeded payment.
  select 'credit_has_a_succeeded_payment', t.id::text, jsonb_build_object('external_ref', t.external_ref)
  from public.wallet_transactions as t
  where t.kind = 'payment'
    and not exists (select 1 from public.payments as p
                    where p.wallet_transaction_id = t.id and p.status = 'succeeded')
  union all
  -- A succeeded refund of a credited payment is debited once, for its amount.
  select 'succeeded_refund_is_debited', r.provider || ':' || r.provider_refund_id,
         jsonb_build_object('amount_minor', r.amount_minor, 'debited_minor', t.amount_minor)
  from public.refunds as r
  join public.payments as p
    on p.provider = r.provider and p.provider_payment_id = r.provider_payment_id
   and p.wallet_transaction_id is not null
  left join public.wallet_transactions as t on t.id = r.wallet_transaction_id
  where r.status = 'succeeded' and (t.id is null or t.amount_minor <> r.amount_minor or t.kind <> 'refund')
  union all
  select 'debit_has_a_succeeded_refund', t.id::text, jsonb_build_object('external_ref', t.external_ref)
  from public.wallet_transactions as t
  where t.kind = 'refund'
    and not exists (select 1 from public.refunds as r
                    where r.wallet_transaction_id = t.id and r.status = 'succeeded')
$$;

comment on function private.wallet_reconcile() is
  'Everything that should hold, as violations: the ledger invariants (wallet_ledger_violations) '
  'and payments/refunds ↔ their ledger transactions, both ways. Empty when all is well.';

create function private.wallet_record_reconciliation()
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_count integer;
begin
  insert into public.wallet_discrepancies (check_name, subject_id, detail)
  select r.check_name, r.subject_id, r.detail from private.wallet_reconcile() as r;
  get diagnostics v_count = row_count;
  return v_count;
end;
$$;

comment on function private.wallet_record_reconciliation() is
  'Runs wallet_reconcile and records each finding in wallet_discrepancies; returns how many '
  '(tallyq_wallet_reconcile, daily).';

select cron.schedule('tallyq_wallet_reconcile', '17 3 * * *',
  $$select private.wallet_record_reconciliation()$$);

revoke all on function private.wallet_reconcile() from public, anon, authenticated;
revoke all on function private.wallet_record_reconciliation() from public, anon, authenticated;
grant execute on function private.wallet_reconcile() to service_role;
grant execute on function private.wallet_record_reconciliation() to service_role;
