-- payments × {anon, stranger, payer, org owner, org admin, service_role} × every command.
-- The member is the payer; owner and admin run the organisation whose wallet a payment funded.
begin;
\ir ../00_helpers/tests_schema.psql
select plan(24);
select tests.seed_tenancy();
insert into public.payments (provider, provider_payment_id, user_id, organisation_id, amount_minor, currency, status, last_event_id, last_event_at) values ('stripe', 'pi_rls', tests.user_id('member'), tests.org_id(), 100, 'EUR', 'succeeded', 'evt_rls', now());

select $stmt$select 1 from public.payments where provider_payment_id = 'pi_rls'$stmt$ as sel \gset
select tests.rls_is('anon', :'sel', '42501: permission denied for table payments', 'anon cannot read');
select tests.rls_is('stranger', :'sel', 'rows 0', 'a stranger sees nothing');
select tests.rls_is('member', :'sel', 'rows 1', 'the payer reads it');
select tests.rls_is('owner', :'sel', 'rows 1', 'the organisation owner reads it');
select tests.rls_is('admin', :'sel', 'rows 1', 'an organisation admin reads it');
select tests.rls_is('service_role', :'sel', 'rows 1', 'service_role reads it');
select $stmt$insert into public.payments (provider, provider_payment_id, amount_minor, currency, status, last_event_id, last_event_at) values ('stripe', 'pi_new', 1, 'EUR', 'pending', 'e', now())$stmt$ as ins \gset
select tests.rls_is('anon', :'ins', '42501: permission denied for table payments', 'anon cannot insert');
select tests.rls_is('stranger', :'ins', '42501: permission denied for table payments', 'a stranger cannot insert');
select tests.rls_is('member', :'ins', '42501: permission denied for table payments', 'the payer cannot insert');
select tests.rls_is('owner', :'ins', '42501: permission denied for table payments', 'the organisation owner cannot insert');
select tests.rls_is('admin', :'ins', '42501: permission denied for table payments', 'an organisation admin cannot insert');
select tests.rls_is('service_role', :'ins', '42501: permission denied for table payments', 'service_role cannot insert');
select $stmt$update public.payments set status = 'failed'$stmt$ as upd \gset
select tests.rls_is('anon', :'upd', '42501: permission denied for table payments', 'anon cannot update');
select tests.rls_is('stranger', :'upd', '42501: permission denied for table payments', 'a stranger cannot update');
select tests.rls_is('member', :'upd', '42501: permission denied for table payments', 'the payer cannot update');
select tests.rls_is('owner', :'upd', '42501: permission denied for table payments', 'the organisation owner cannot update');
select tests.rls_is('admin', :'upd', '42501: permission denied for table payments', 'an organisation admin cannot update');
select tests.rls_is('service_role', :'upd', '42501: permission denied for table payments', 'service_role cannot update');
select $stmt$delete from public.payments$stmt$ as del \gset
select tests.rls_is('anon', :'del', '42501: permission denied for table payments', 'anon cannot delete');
select tests.rls_is('stranger', :'del', '42501: permission denied for table payments', 'a stranger cannot delete');
select tests.rls_is('member', :'del', '42501: permission denied for table payments', 'the payer cannot delete');
select tests.rls_is('owner', :'del', '42501: permission denied for table payments', 'the organisation owner cannot delete');
select tests.rls_is('admin', :'del', '42501: permission denied for table payments', 'an organisation admin cannot delete');
select tests.rls_is('service_role', :'del', '42501: permission denied for table payments', 'service_role cannot delete');

select * from finish();
rollback;
