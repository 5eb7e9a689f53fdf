-- wallet_transfer: one transaction, two entries netting to zero, balances before/after and a
-- gap-free version per account.
begin;
\ir ../00_helpers/tests_schema.psql
\ir fixtures.psql
select plan(8);
select tests.wallet_seed();
select tests.wallet('owner') as owner, tests.wallet('member') as member \gset

select tests.wallet_call('owner', format('public.wallet_transfer(%L, %L, 250, %L, %L)', :'owner', :'member', 'EUR', 'Lunch')) as r \gset
select is((:'r'::jsonb) ->> 'status', '201', 'a transfer answers 201');
select is((:'r'::jsonb) #>> '{transfer,status}', 'posted', 'it is posted');
select is(tests.balances(:'owner'), '9750/0/0/2', 'the source balance drops and its version moves to 2');
select is(tests.balances(:'member'), '250/0/0/1', 'the destination balance rises and its version moves to 1');
select results_eq(
  format($$select account_id, version, amount_minor, balance_before_minor, balance_after_minor
           from public.wallet_entries where transaction_id = %L order by amount_minor$$,
         (:'r'::jsonb) #>> '{transfer,id}'),
  format($$values (%L::uuid, 2::bigint, -250::bigint, 10000::bigint, 9750::bigint),
                  (%L::uuid, 1::bigint, 250::bigint, 0::bigint, 250::bigint)$$, :'owner', :'member'),
  'one debit and one credit entry with balances before and after');
select is((select sum(amount_minor) from public.wallet_entries
           where transaction_id = ((:'r'::jsonb) #>> '{transfer,id}')::uuid), 0::numeric,
          'the entries net to zero');
select is((select description from public.wallet_transactions
           where id = ((:'r'::jsonb) #>> '{transfer,id}')::uuid), 'Lunch', 'the description is kept');
select is((select created_by from public.wallet_transactions
           where id = ((:'r'::jsonb) #>> '{transfer,id}')::uuid), tests.user_id('owner'),
          'the acting user is recorded');

select * from finish();
rollback;
