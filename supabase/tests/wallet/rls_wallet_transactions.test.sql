-- wallet_transactions × {anon, stranger, account owner, org owner, org admin, service_role} × every command.
-- The member owns the EUR wallet under test; owner and admin run its organisation. Nobody writes
-- directly: money moves only through the ledger functions.
begin;
\ir ../00_helpers/tests_schema.psql
\ir fixtures.psql
select plan(24);
select tests.wallet_seed();
select tests.wallet_call('owner', format('public.wallet_transfer(%L, %L, 10, %L)', tests.wallet('owner'), tests.wallet('member'), 'EUR')) #>> '{transfer,id}' as tx \gset
select tests.wallet('member') as m, tests.user_id('stranger') as s, tests.wallet('clearing') as c,
       tests.wallet('stranger') as sw \gset

select format($$select 1 from public.wallet_transactions where credit_account_id = %1$L$$, :'m', :'s', :'c', :'sw', :'tx') as sel \gset
select tests.rls_is('anon', :'sel', '42501: permission denied for table wallet_transactions', 'anon cannot read');
select tests.rls_is('stranger', :'sel', 'rows 0', 'a stranger sees nothing of the member''s wallet');
select tests.rls_is('member', :'sel', 'rows 1', 'the account owner reads it');
select tests.rls_is('owner', :'sel', 'rows 1', 'the organisation owner reads it');
select tests.rls_is('admin', :'sel', 'rows 1', 'an organisation admin reads it');
select tests.rls_is('service_role', :'sel', 'rows 1', 'service_role reads it');

select format($$insert into public.wallet_transactions (kind, debit_account_id, credit_account_id, amount_minor, currency) values ('transfer', %3$L, %4$L, 1, 'EUR')$$, :'m', :'s', :'c', :'sw', :'tx') as ins \gset
select tests.rls_is('anon', :'ins', '42501: permission denied for table wallet_transactions', 'anon cannot insert');
select tests.rls_is('stranger', :'ins', '42501: permission denied for table wallet_transactions', 'a stranger cannot insert');
select tests.rls_is('member', :'ins', '42501: permission denied for table wallet_transactions', 'the account owner cannot insert');
select tests.rls_is('owner', :'ins', '42501: permission denied for table wallet_transactions', 'the organisation owner cannot insert');
select tests.rls_is('admin', :'ins', '42501: permission denied for table wallet_transactions', 'an organisation admin cannot insert');
select tests.rls_is('service_role', :'ins', '42501: permission denied for table wallet_transactions', 'service_role cannot insert (ledger functions only)');

select format($$update public.wallet_transactions set amount_minor = 1 where credit_account_id = %1$L$$, :'m', :'s', :'c', :'sw', :'tx') as upd \gset
select tests.rls_is('anon', :'upd', '42501: permission denied for table wallet_transactions', 'anon cannot update');
select tests.rls_is('stranger', :'upd', '42501: permission denied for table wallet_transactions', 'a stranger cannot update');
select tests.rls_is('member', :'upd', '42501: permission denied for table wallet_transactions', 'the account owner cannot update');
select tests.rls_is('owner', :'upd', '42501: permission denied for table wallet_transactions', 'the organisation owner cannot update');
select tests.rls_is('admin', :'upd', '42501: permission denied for table wallet_transactions', 'an organisation admin cannot update');
select tests.rls_is('service_role', :'upd', '42501: permission denied for table wallet_transactions', 'service_role cannot update');

select format($$delete from public.wallet_transactions where credit_account_id = %1$L$$, :'m', :'s', :'c', :'sw', :'tx') as del \gset
select tests.rls_is('anon', :'del', '42501: permission denied for table wallet_transactions', 'anon cannot delete');
select tests.rls_is('stranger', :'del', '42501: permission denied for table wallet_transactions', 'a stranger cannot delete');
select tests.rls_is('member', :'del', '42501: permission denied for table wallet_transactions', 'the account owner cannot delete');
select tests.rls_is('owner', :'del', '42501: permission denied for table wallet_transactions', 'the organisation owner cannot delete');
select tests.rls_is('admin', :'del', '42501: permission denied for table wallet_transactions', 'an organisation admin cannot delete');
select tests.rls_is('service_role', :'del', '42501: permission denied for table wallet_transactions', 'service_role cannot delete');

select * from finish();
rollback;
