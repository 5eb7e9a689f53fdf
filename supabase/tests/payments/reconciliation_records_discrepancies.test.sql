-- Reconciliation: empty when ledger and payments agree; a credit without its payment, a payment
-- credited for the wrong amount and a broken balance are each found and recorded by the job.
begin;
\ir ../00_helpers/tests_schema.psql
\ir fixtures.psql
select plan(6);
select tests.create_user('payer') as payer \gset
select count(*) as found_before from public.wallet_discrepancies \gset
select tests.money_event('stripe', 'evt_p1', '2026-01-01 10:00:00+00', tests.stripe_payment('pi_1', :'payer', 1000, 'succeeded'));
select tests.money_event('stripe', 'evt_r1', '2026-01-01 11:00:00+00', tests.stripe_refund('re_1', 'pi_1', 300, 'succeeded'));

select is_empty('select * from private.wallet_reconcile()', 'a well-kept ledger and its payments reconcile');
select is(private.wallet_record_reconciliation(), 0, 'the daily job records nothing when all is well');
select is((select count(*) from public.wallet_discrepancies), :found_before::bigint, 'and the table gains no row');

alter table public.payments disable trigger all;
update public.payments set amount_minor = 1200 where provider_payment_id = 'pi_1';
select is(array(select check_name from private.wallet_reconcile() order by 1), array['succeeded_payment_is_credited'],
  'a payment credited for another amount is found');
update public.payments set amount_minor = 1000, status = 'failed' where provider_payment_id = 'pi_1';
select is(array(select check_name from private.wallet_reconcile() order by 1), array['credit_has_a_succeeded_payment'],
  'a credit whose payment did not succeed is found');
select is(private.wallet_record_reconciliation(), 1, 'the job records what it finds');

select * from finish();
rollback;
