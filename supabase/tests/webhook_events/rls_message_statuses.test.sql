-- message_statuses × {anon, authenticated (stranger, org owner), service_role} × every command.
-- A projection of provider events: written by private.settle_webhook_batch, read by the service role.
begin;
\ir ../00_helpers/tests_schema.psql
select plan(13);
select tests.seed_tenancy();
insert into public.message_statuses (message_id, status, status_at, last_event_id) values ('wamid.rls', 'sent', now(), 'wamid.rls:sent');

\set sel 'select 1 from public.message_statuses where message_id = ''wamid.rls'''
\set ins 'insert into public.message_statuses (message_id, status, status_at, last_event_id) values (''wamid.forged'', ''read'', now(), ''x'')'
\set upd 'update public.message_statuses set status = ''read'' where message_id = ''wamid.rls'''
\set del 'delete from public.message_statuses where message_id = ''wamid.rls'''
\set denied '42501: permission denied for table message_statuses'

select tests.rls_is('anon', :'sel', :'denied', 'anon cannot read message statuses');
select tests.rls_is('stranger', :'sel', :'denied', 'an authenticated user cannot read message statuses');
select tests.rls_is('owner', :'sel', :'denied', 'an organisation owner cannot read message statuses');
select tests.rls_is('service_role', :'sel', 'rows 1', 'service_role reads message statuses');

select tests.rls_is('anon', :'ins', :'denied', 'anon cannot insert message statuses');
select tests.rls_is('stranger', :'ins', :'denied', 'an authenticated user cannot insert message statuses');
select tests.rls_is('service_role', :'ins', 'rows 1', 'service_role inserts message statuses');

select tests.rls_is('anon', :'upd', :'denied', 'anon cannot update message statuses');
select tests.rls_is('stranger', :'upd', :'denied', 'an authenticated user cannot update message statuses');
select tests.rls_is('service_role', :'upd', 'rows 1', 'service_role updates message statuses');

select tests.rls_is('anon', :'del', :'denied', 'anon cannot delete message statuses');
select tests.rls_is('stranger', :'del', :'denied', 'an authenticated user cannot delete message statuses');
select tests.rls_is('service_role', :'del', 'rows 1', 'service_role deletes message statuses');

select * from finish();
rollback;
