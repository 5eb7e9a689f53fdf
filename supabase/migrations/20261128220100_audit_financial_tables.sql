-- Audit every financial table (issue 15, item 5): the generic trigger of 20261122000120 /
-- 20261128200100 on the ledger's and the payment providers' tables (2026112821…). Personal
-- columns go to the erasable personal data, not into old/new_record (see private.enable_audit).
-- supabase/tests/audit_log/financial_tables_are_audited.test.sql keeps every financial table audited.

do $$
declare
  v_table record;
begin
  for v_table in
    select *
    from (values
      -- table, organisation column, personal columns, subject column
      ('public.wallet_accounts', 'organisation_id', '{}', 'user_id'),
      ('public.wallet_transactions', null, '{description}', 'created_by'),
      ('public.wallet_entries', null, '{}', null),
      ('public.payments', 'organisation_id', '{}', 'user_id'),
      ('public.payment_intents', null, '{customer,description,metadata}', 'user_id'),
      ('public.refunds', null, '{}', null),
      ('public.invoices', null, '{customer}', 'user_id'),
      ('public.subscriptions', null, '{customer}', 'user_id'),
      ('public.momo_transactions', null, '{party_id,payer_message,payee_note}', 'user_id'),
      ('public.revolut_transactions', null, '{counterparty,description,reference}', 'user_id'),
      ('public.wallet_discrepancies', null, '{}', null),
      -- Stripe objects as last seen by the webhook processor (20261122000310); data holds the
      -- whole object, billing names and emails included
      ('public.payment_objects', null, '{data}', null)
    ) as t (name, organisation_column, personal_columns, subject_column)
  loop
    -- The ledger's migrations create these tables; where one is absent (a branch without the
    -- ledger), say so: the pgTAP check fails once the ledger lands unaudited.
    if to_regclass(v_table.name) is null then
      raise notice 'audit: % does not exist (yet); not audited', v_table.name;
      continue;
    end if;
    perform private.enable_audit(
      v_table.name::regclass, v_table.organisation_column, v_table.personal_columns::text[],
      v_table.subject_column
    );
  end loop;
end;
$$;
