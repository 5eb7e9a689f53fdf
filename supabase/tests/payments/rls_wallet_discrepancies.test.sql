-- wallet_discrepancies × every actor × every command: operators (service_role) only; findings are never edited.
begin;
\ir ../00_helpers/tests_schema.psql
select plan(24);
select tests.seed_tenancy();
insert into public.wallet_discrepancies (check_name, subject_id) values ('rls_check', 'x');

select $stmt$select 1 from public.wallet_discrepancies where check_name = 'rls_check'$stmt$ as sel \gset
select tests.rls_is('anon', :'sel', '42501: permission denied for table wallet_discrepancies', 'anon may not read');
select tests.rls_is('stranger', :'sel', '42501: permission denied for table wallet_discrepancies', 'a stranger may not read');
select tests.rls_is('member', :'sel', '42501: permission denied for table wallet_discrepancies', 'the payer may not read');
select tests.rls_is('owner', :'sel', '42501: permission denied for table wallet_discrepancies', 'the organisation owner may not read');
select tests.rls_is('admin', :'sel', '42501: permission denied for table wallet_discrepancies', 'an organisation admin may not read');
select tests.rls_is('service_role', :'sel', 'rows 1', 'service_role may read');
select $stmt$insert into public.wallet_discrepancies (check_name) values ('manual')$stmt$ as ins \gset
select tests.rls_is('anon', :'ins', '42501: permission denied for table wallet_discrepancies', 'anon may not insert');
select tests.rls_is('stranger', :'ins', '42501: permission denied for table wallet_discrepancies', 'a stranger may not insert');
select tests.rls_is('member', :'ins', '42501: permission denied for table wallet_discrepancies', 'the payer may not insert');
select tests.rls_is('owner', :'ins', '42501: permission denied for table wallet_discrepancies', 'the organisation owner may not insert');
select tests.rls_is('admin', :'ins', '42501: permission denied for table wallet_discrepancies', 'an organisation admin may not insert');
select tests.rls_is('service_role', :'ins', 'rows 1', 'service_role may record');
select $stmt$update public.wallet_discrepancies set check_name = 'hidden'$stmt$ as upd \gset
select tests.rls_is('anon', :'upd', '42501: permission denied for table wallet_discrepancies', 'anon may not update');
select tests.rls_is('stranger', :'upd', '42501: permission denied for table wallet_discrepancies', 'a stranger may not update');
select tests.rls_is('member', :'upd', '42501: permission denied for table wallet_discrepancies', 'the payer may not update');
select tests.rls_is('owner', :'upd', '42501: permission denied for table wallet_discrepancies', 'the organisation owner may not update');
select tests.rls_is('admin', :'upd', '42501: permission denied for table wallet_discrepancies', 'an organisation admin may not update');
select tests.rls_is('service_role', :'upd', '42501: permission denied for table wallet_discrepancies', 'service_role may not update');
select $stmt$delete from public.wallet_discrepancies$stmt$ as del \gset
select tests.rls_is('anon', :'del', '42501: permission denied for table wallet_discrepancies', 'anon may not delete');
select tests.rls_is('stranger', :'del', '42501: permission denied for table wallet_discrepancies', 'a stranger may not delete');
select tests.rls_is('member', :'del', '42501: permission denied for table wallet_discrepancies', 'the payer may not delete');
select tests.rls_is('owner', :'del', '42501: permission denied for table wallet_discrepancies', 'the organisation owner may not delete');
select tests.rls_is('admin', :'del', '42501: permission denied for table wallet_discrepancies', 'an organisation admin may not delete');
select tests.rls_is('service_role', :'del', '42501: permission denied for table wallet_discrepancies', 'service_role may not delete');

select * from finish();
rollback;
