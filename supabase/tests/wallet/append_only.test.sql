-- wallet_transactions and wallet_entries are append-only for every role, the owner included.
begin;
\ir ../00_helpers/tests_schema.psql
\ir fixtures.psql
select plan(8);
select tests.wallet_seed();

select tests.rls_is('postgres', 'update public.wallet_transactions set amount_minor = 1',
  '42501: public.wallet_transactions is append-only: UPDATE is not allowed', 'the owner cannot edit a transaction');
select tests.rls_is('postgres', 'delete from public.wallet_transactions',
  '42501: public.wallet_transactions is append-only: DELETE is not allowed', 'the owner cannot delete a transaction');
select tests.rls_is('postgres', 'truncate public.wallet_transactions cascade',
  '42501: public.wallet_transactions is append-only: TRUNCATE is not allowed', 'the owner cannot truncate transactions');
select tests.rls_is('postgres', 'update public.wallet_entries set amount_minor = 1',
  '42501: public.wallet_entries is append-only: UPDATE is not allowed', 'the owner cannot edit an entry');
select tests.rls_is('postgres', 'delete from public.wallet_entries',
  '42501: public.wallet_entries is append-only: DELETE is not allowed', 'the owner cannot delete an entry');
select tests.rls_is('postgres', 'truncate public.wallet_entries',
  '42501: public.wallet_entries is append-only: TRUNCATE is not allowed', 'the owner cannot truncate entries');
select tests.rls_is('service_role', 'update public.wallet_entries set amount_minor = 1',
  '42501: permission denied for table wallet_entries', 'service_role cannot edit an entry');
select tests.rls_is('service_role', 'delete from public.wallet_transactions',
  '42501: permission denied for table wallet_transactions', 'service_role cannot delete a transaction');

select * from finish();
rollback;
