-- A succeeded refund debits the wallet once, also when it arrives before its payment; a refund
-- the wallet cannot cover and a poison event are recorded as discrepancies without blocking others.
begin;
\ir ../00_helpers/tests_schema.psql
\ir fixtures.psql
select plan(9);
select tests.create_user('payer') as payer \gset

select tests.money_event('stripe', 'evt_r1', '2026-01-01 11:00:00+00', tests.stripe_refund('re_1', 'pi_1', 400, 'succeeded'));
select is(tests.wallet_balance(:'payer'), 0::bigint, 'a refund before its payment moves nothing yet');
select tests.money_event('stripe', 'evt_p1', '2026-01-01 10:00:00+00', tests.stripe_payment('pi_1', :'payer', 1000, 'succeeded'));
select is(tests.wallet_balance(:'payer'), 600::bigint, 'the payment credits and the waiting refund debits');
select tests.money_event('stripe', 'evt_r1', '2026-01-01 11:00:00+00', tests.stripe_refund('re_1', 'pi_1', 400, 'succeeded'));
select tests.money_event('stripe', 'evt_r1b', '2026-01-01 11:00:01+00', tests.stripe_refund('re_1', 'pi_1', 400, 'succeeded'));
select is(tests.wallet_balance(:'payer'), 600::bigint, 'the refund debits once');
select is((select count(*) from public.wallet_transactions as t join public.wallet_accounts as a on a.id = t.debit_account_id
           where t.kind = 'refund' and a.user_id = :'payer'), 1::bigint, 'one refund transaction');

-- A second refund larger than what is left in the wallet cannot be covered.
select tests.money_event('stripe', 'evt_r2', '2026-01-01 12:00:00+00', tests.stripe_refund('re_2', 'pi_1', 700, 'succeeded'));
select is(tests.wallet_balance(:'payer'), 600::bigint, 'a refund larger than the balance is not applied');
select is((select check_name from public.wallet_discrepancies where subject_id = 'stripe:re_2'),
  'refund_exceeds_available_balance', 'it is recorded as a discrepancy');

-- A poison event (currency not ISO 4217) is recorded, and the batch goes on.
select is(tests.money_event('stripe', 'evt_bad', '2026-01-01 13:00:00+00',
  jsonb_build_object('payment', jsonb_build_object('provider_payment_id', 'pi_bad', 'user_id', :'payer',
    'amount_minor', 5, 'currency', 'euro', 'status', 'succeeded'))), '{"failed": 1, "applied": 0}'::jsonb,
  'a poison event fails alone');
select is((select check_name from public.wallet_discrepancies where subject_id = 'stripe:evt_bad'),
  'payment_event_not_applied', 'and is recorded for an operator');

select is((tests.money_event('stripe', 'evt_unreadable', '2026-01-01 14:00:00+00',
  '{"invalid": "payment_intent.amount is missing or malformed"}') ->> 'failed')::int, 1,
  'an event whose money the processor could not read is recorded, not applied');

select * from finish();
rollback;
