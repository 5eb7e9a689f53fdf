-- revolut_transactions × {anon, stranger, payer, org owner, org admin, service_role} × every command.
-- The member is the payer; owner and admin run the organisation whose wallet a payment funded.
begin;
\ir ../00_helpers/tests_schema.psql
select plan(24);
select tests.seed_tenancy();
insert into public.revolut_transactions (id, state, amount_minor, currency, user_id, last_event_id, last_event_at) values ('645a7696-1234-aa47-1234-cbae0449cc46', 'completed', 725, 'EUR', tests.user_id('member'), 'e', now());

select $stmt$select 1 from public.revolut_transactions where id = '645a7696-1234-aa47-1234-cbae0449cc46'$stmt$ as sel \gset
select tests.rls_is('anon', :'sel', '42501: permission denied for table revolut_transactions', 'anon cannot read');
select tests.rls_is('stranger', :'sel', 'rows 0', 'a stranger sees nothing');
select tests.rls_is('member', :'sel', 'rows 1', 'the payer reads it');
select tests.rls_is('owner', :'sel', 'rows 0', 'the organisation owner sees nothing');
select tests.rls_is('admin', :'sel', 'rows 0', 'an organisation admin sees nothing');
select tests.rls_is('service_role', :'sel', 'rows 1', 'service_role reads it');
select $stmt$insert into public.revolut_transactions (id, state, last_event_id, last_event_at) values (gen_random_uuid(), 'pending', 'e', now())$stmt$ as ins \gset
select tests.rls_is('anon', :'ins', '42501: permission denied for table revolut_transactions', 'anon cannot insert');
select tests.rls_is('stranger', :'ins', '42501: permission denied for table revolut_transactions', 'a stranger cannot insert');
select tests.rls_is('member', :'ins', '42501: permission denied for table revolut_transactions', 'the payer cannot insert');
select tests.rls_is('owner', :'ins', '42501: permission denied for table revolut_transactions', 'the organisation owner cannot insert');
select tests.rls_is('admin', :'ins', '42501: permission denied for table revolut_transactions', 'an organisation admin cannot insert');
select tests.rls_is('service_role', :'ins', 'rows 1', 'service_role can insert (it records provider state)');
select $stmt$update public.revolut_transactions set state = 'reverted' where id = '645a7696-1234-aa47-1234-cbae0449cc46'$stmt$ as upd \gset
select tests.rls_is('anon', :'upd', '42501: permission denied for table revolut_transactions', 'anon cannot update');
select tests.rls_is('stranger', :'upd', '42501: permission denied for table revolut_transactions', 'a stranger cannot update');
select tests.rls_is('member', :'upd', '42501: permission denied for table revolut_transactions', 'the payer cannot update');
select tests.rls_is('owner', :'upd', '42501: permission denied for table revolut_transactions', 'the organisation owner cannot update');
select tests.rls_is('admin', :'upd', '42501: permission denied for table revolut_transactions', 'an organisation admin cannot update');
select tests.rls_is('service_role', :'upd', 'rows 1', 'service_role can update (it records provider state)');
select $stmt$delete from public.revolut_transactions$stmt$ as del \gset
select tests.rls_is('anon', :'del', '42501: permission denied for table revolut_transactions', 'anon cannot delete');
select tests.rls_is('stranger', :'del', '42501: permission denied for table revolut_transactions', 'a stranger cannot delete');
select tests.rls_is('member', :'del', '42501: permission denied for table revolut_transactions', 'the payer cannot delete');
select tests.rls_is('owner', :'del', '42501: permission denied for table revolut_transactions', 'the organisation owner cannot delete');
select tests.rls_is('admin', :'del', '42501: permission denied for table revolut_transactions', 'an organisation admin cannot delete');
select tests.rls_is('service_role', :'del', '42501: permission denied for table revolut_transactions', 'service_role cannot delete');

select * from finish();
rollback;
