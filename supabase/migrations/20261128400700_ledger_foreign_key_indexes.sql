-- Foreign keys from the ledger's neighbours to wallet_transactions had no index (found by
-- supabase/tests/ops/foreign_keys_have_indexes.test.sql): a transaction's payment, refund or
-- idempotency record is found by index, not by scanning each table.

-- ============================================================================
-- indexes
-- ============================================================================
do $$
begin
  if to_regclass('public.payments') is not null then
    create index if not exists payments_wallet_transaction_id_idx on public.payments (wallet_transaction_id);
  end if;
  if to_regclass('public.refunds') is not null then
    create index if not exists refunds_wallet_transaction_id_idx on public.refunds (wallet_transaction_id);
  end if;
  if to_regclass('private.wallet_idempotency_keys') is not null then
    create index if not exists wallet_idempotency_keys_transaction_id_idx
      on private.wallet_idempotency_keys (transaction_id);
  end if;
end;
$$;
