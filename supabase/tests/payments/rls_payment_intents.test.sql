-- payment_intents × {anon, stranger, payer, org owner, org admin, service_role} × every command.
-- The member is the payer; owner and admin run the organisation whose wallet a payment funded.
begin;
\ir ../00_helpers/tests_schema.psql
select plan(24);
select tests.seed_tenancy();
insert into public.payment_intents (id, amount_minor, currency, status, user_id, last_event_id, last_event_at) values ('pi_rls', 100, 'EUR', 'succeeded', tests.user_id('member'), 'e', now());

select $stmt$select 1 from public.payment_intents where id = 'pi_rls'$stmt$ as sel \gset
select tests.rls_is('anon', :'sel', '42501: permission denied for table payment_intents', 'anon cannot read');
select tests.rls_is('stranger', :'sel', 'rows 0', 'a stranger sees nothing');
select tests.rls_is('member', :'sel', 'rows 1', 'the payer reads it');
select tests.rls_is('owner', :'sel', 'rows 0', 'the organisation owner sees nothing');
select tests.rls_is('admin', :'sel', 'rows 0', 'an organisation admin sees nothing');
select tests.rls_is('service_role', :'sel', 'rows 1', 'service_role reads it');
select $stmt$insert into public.payment_intents (id, amount_minor, currency, status, last_event_id, last_event_at) values ('pi_new', 1, 'EUR', 'processing', 'e', now())$stmt$ as ins \gset
select tests.rls_is('anon', :'ins', '42501: permission denied for table payment_intents', 'anon cannot insert');
select tests.rls_is('stranger', :'ins', '42501: permission denied for table payment_intents', 'a stranger cannot insert');
select tests.rls_is('member', :'ins', '42501: permission denied for table payment_intents', 'the payer cannot insert');
select tests.rls_is('owner', :'ins', '42501: permission denied for table payment_intents', 'the organisation owner cannot insert');
select tests.rls_is('admin', :'ins', '42501: permission denied for table payment_intents', 'an organisation admin cannot insert');
select tests.rls_is('service_role', :'ins', 'rows 1', 'service_role can insert (it records provider state)');
select $stmt$update public.payment_intents set status = 'canceled' where id = 'pi_rls'$stmt$ as upd \gset
select tests.rls_is('anon', :'upd', '42501: permission denied for table payment_intents', 'anon cannot update');
select tests.rls_is('stranger', :'upd', '42501: permission denied for table payment_intents', 'a stranger cannot update');
select tests.rls_is('member', :'upd', '42501: permission denied for table payment_intents', 'the payer cannot update');
select tests.rls_is('owner', :'upd', '42501: permission denied for table payment_intents', 'the organisation owner cannot update');
select tests.rls_is('admin', :'upd', '42501: permission denied for table payment_intents', 'an organisation admin cannot update');
select tests.rls_is('service_role', :'upd', 'rows 1', 'service_role can update (it records provider state)');
select $stmt$delete from public.payment_intents$stmt$ as del \gset
select tests.rls_is('anon', :'del', '42501: permission denied for table payment_intents', 'anon cannot delete');
select tests.rls_is('stranger', :'del', '42501: permission denied for table payment_intents', 'a stranger cannot delete');
select tests.rls_is('member', :'del', '42501: permission denied for table payment_intents', 'the payer cannot delete');
select tests.rls_is('owner', :'del', '42501: permission denied for table payment_intents', 'the organisation owner cannot delete');
select tests.rls_is('admin', :'del', '42501: permission denied for table payment_intents', 'an organisation admin cannot delete');
select tests.rls_is('service_role', :'del', '42501: permission denied for table payment_intents', 'service_role cannot delete');

select * from finish();
rollback;
