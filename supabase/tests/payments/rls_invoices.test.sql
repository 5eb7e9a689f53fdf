-- invoices × {anon, stranger, payer, org owner, org admin, service_role} × every command.
-- The member is the payer; owner and admin run the organisation whose wallet a payment funded.
begin;
\ir ../00_helpers/tests_schema.psql
select plan(24);
select tests.seed_tenancy();
insert into public.invoices (id, status, amount_due_minor, amount_paid_minor, amount_remaining_minor, currency, user_id, last_event_id, last_event_at) values ('in_rls', 'paid', 100, 100, 0, 'EUR', tests.user_id('member'), 'e', now());

select $stmt$select 1 from public.invoices where id = 'in_rls'$stmt$ as sel \gset
select tests.rls_is('anon', :'sel', '42501: permission denied for table invoices', 'anon cannot read');
select tests.rls_is('stranger', :'sel', 'rows 0', 'a stranger sees nothing');
select tests.rls_is('member', :'sel', 'rows 1', 'the payer reads it');
select tests.rls_is('owner', :'sel', 'rows 0', 'the organisation owner sees nothing');
select tests.rls_is('admin', :'sel', 'rows 0', 'an organisation admin sees nothing');
select tests.rls_is('service_role', :'sel', 'rows 1', 'service_role reads it');
select $stmt$insert into public.invoices (id, status, amount_due_minor, amount_paid_minor, amount_remaining_minor, currency, last_event_id, last_event_at) values ('in_new', 'open', 1, 0, 1, 'EUR', 'e', now())$stmt$ as ins \gset
select tests.rls_is('anon', :'ins', '42501: permission denied for table invoices', 'anon cannot insert');
select tests.rls_is('stranger', :'ins', '42501: permission denied for table invoices', 'a stranger cannot insert');
select tests.rls_is('member', :'ins', '42501: permission denied for table invoices', 'the payer cannot insert');
select tests.rls_is('owner', :'ins', '42501: permission denied for table invoices', 'the organisation owner cannot insert');
select tests.rls_is('admin', :'ins', '42501: permission denied for table invoices', 'an organisation admin cannot insert');
select tests.rls_is('service_role', :'ins', 'rows 1', 'service_role can insert (it records provider state)');
select $stmt$update public.invoices set status = 'void' where id = 'in_rls'$stmt$ as upd \gset
select tests.rls_is('anon', :'upd', '42501: permission denied for table invoices', 'anon cannot update');
select tests.rls_is('stranger', :'upd', '42501: permission denied for table invoices', 'a stranger cannot update');
select tests.rls_is('member', :'upd', '42501: permission denied for table invoices', 'the payer cannot update');
select tests.rls_is('owner', :'upd', '42501: permission denied for table invoices', 'the organisation owner cannot update');
select tests.rls_is('admin', :'upd', '42501: permission denied for table invoices', 'an organisation admin cannot update');
select tests.rls_is('service_role', :'upd', 'rows 1', 'service_role can update (it records provider state)');
select $stmt$delete from public.invoices$stmt$ as del \gset
select tests.rls_is('anon', :'del', '42501: permission denied for table invoices', 'anon cannot delete');
select tests.rls_is('stranger', :'del', '42501: permission denied for table invoices', 'a stranger cannot delete');
select tests.rls_is('member', :'del', '42501: permission denied for table invoices', 'the payer cannot delete');
select tests.rls_is('owner', :'del', '42501: permission denied for table invoices', 'the organisation owner cannot delete');
select tests.rls_is('admin', :'del', '42501: permission denied for table invoices', 'an organisation admin cannot delete');
select tests.rls_is('service_role', :'del', '42501: permission denied for table invoices', 'service_role cannot delete');

select * from finish();
rollback;
