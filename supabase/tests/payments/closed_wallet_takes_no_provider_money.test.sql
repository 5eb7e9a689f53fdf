-- A closed wallet takes no provider money: a succeeded payment for it is not credited and a refund is
-- not debited from it. Each is recorded once as a discrepancy, also when its events come again.
begin;
\ir ../00_helpers/tests_schema.psql
\ir fixtures.psql
select plan(8);
select tests.create_user('payer') as payer \gset
select tests.create_user('refunded') as refunded \gset

-- A payment for a wallet that was closed before it arrived.
select private.wallet_user_account(:'payer', 'EUR') as payer_wallet \gset
update public.wallet_accounts set closed_at = now() where id = :'payer_wallet';
select tests.money_event('stripe', 'evt_c1', '2026-01-01 10:00:00+00', tests.stripe_payment('pi_c1', :'payer', 1000, 'succeeded'));
select tests.money_event('stripe', 'evt_c1b', '2026-01-01 10:00:01+00', tests.stripe_payment('pi_c1', :'payer', 1000, 'succeeded'));
select is(tests.wallet_balance(:'payer'), 0::bigint, 'a payment for a closed wallet is not credited');
select is((select count(*) from public.wallet_transactions where external_ref = 'payment:stripe:pi_c1'), 0::bigint,
  'no ledger transaction is written for it');
select is((select wallet_transaction_id from public.payments where provider_payment_id = 'pi_c1'), null::uuid,
  'the payment stays unapplied');
select is((select count(*) from public.wallet_discrepancies
           where check_name = 'payment_to_closed_account' and subject_id = 'stripe:pi_c1'), 1::bigint,
  'it is recorded once for an operator, though its event came twice');

-- A refund of a credited payment, after the wallet was closed.
select tests.money_event('stripe', 'evt_p2', '2026-01-01 11:00:00+00', tests.stripe_payment('pi_2', :'refunded', 1000, 'succeeded'));
select is(tests.wallet_balance(:'refunded'), 1000::bigint, 'an open wallet is credited');
update public.wallet_accounts set closed_at = now()
where kind = 'user' and user_id = :'refunded' and currency = 'EUR';
select tests.money_event('stripe', 'evt_r2', '2026-01-01 12:00:00+00', tests.stripe_refund('re_2', 'pi_2', 400, 'succeeded'));
select tests.money_event('stripe', 'evt_r2b', '2026-01-01 12:00:01+00', tests.stripe_refund('re_2', 'pi_2', 400, 'succeeded'));
select is(tests.wallet_balance(:'refunded'), 1000::bigint, 'a refund is not debited from a closed wallet');
select is((select wallet_transaction_id from public.refunds where provider_refund_id = 're_2'), null::uuid,
  'the refund stays unapplied');
select is((select count(*) from public.wallet_discrepancies
           where check_name = 'refund_from_closed_account' and subject_id = 'stripe:re_2'), 1::bigint,
  'it is recorded once as a refund from a closed account');

select * from finish();
rollback;
