-- A succeeded payment credits the payer's wallet from the provider's clearing account once, even
-- when its events arrive twice and out of order.
begin;
\ir ../00_helpers/tests_schema.psql
\ir fixtures.psql
select plan(9);
select tests.create_user('payer') as payer \gset
select coalesce((select a.posted_balance_minor from public.wallet_accounts as a
                 where a.kind = 'clearing' and a.provider = 'stripe' and a.currency = 'EUR'), 0) as clearing_before \gset

-- The success (newer) arrives first, then a redelivery of it, then the older "processing" event.
select tests.money_event('stripe', 'evt_2', '2026-01-01 10:00:05+00', tests.stripe_payment('pi_1', :'payer', 2500, 'succeeded'));
select is(tests.wallet_balance(:'payer'), 2500::bigint, 'the payer''s wallet is credited');
select tests.money_event('stripe', 'evt_2', '2026-01-01 10:00:05+00', tests.stripe_payment('pi_1', :'payer', 2500, 'succeeded'));
select tests.money_event('stripe', 'evt_2b', '2026-01-01 10:00:05+00', tests.stripe_payment('pi_1', :'payer', 2500, 'succeeded'));
select tests.money_event('stripe', 'evt_1', '2026-01-01 10:00:00+00', tests.stripe_payment('pi_1', :'payer', 2500, 'pending'));
select is(tests.wallet_balance(:'payer'), 2500::bigint, 'a redelivery and a second success event credit nothing more');
select is((select status from public.payments where provider_payment_id = 'pi_1'), 'succeeded', 'an older event does not undo the success');
select is((select status from public.payment_intents where id = 'pi_1'), 'succeeded', 'nor the provider record');
select is((select last_event_id from public.payment_intents where id = 'pi_1'), 'evt_2b', 'the provider record names the newest event');
select is((select count(*) from public.wallet_transactions as t join public.wallet_accounts as a on a.id = t.credit_account_id
           where t.kind = 'payment' and a.user_id = :'payer'), 1::bigint, 'one payment transaction');
select is((select a.posted_balance_minor from public.wallet_accounts as a where a.kind = 'clearing' and a.provider = 'stripe' and a.currency = 'EUR'),
  (:clearing_before - 2500)::bigint, 'the money comes from the Stripe clearing account');
select is((select organisation_id from public.payments where provider_payment_id = 'pi_1'), tests.personal_org_id('payer'),
  'the payment belongs to the organisation of the credited wallet');

-- A payment without a tallyq user is recorded but funds no wallet.
select tests.money_event('stripe', 'evt_3', '2026-01-01 10:01:00+00', tests.stripe_payment('pi_2', null, 900, 'succeeded'));
select is((select wallet_transaction_id from public.payments where provider_payment_id = 'pi_2'), null, 'an unattributed payment moves no money');

select * from finish();
rollback;
