-- payment_objects × {anon, authenticated (stranger, org owner), service_role} × every command.
-- A projection of provider events: written by private.settle_webhook_batch, read by the service role.
begin;
\ir ../00_helpers/tests_schema.psql
select plan(13);
select tests.seed_tenancy();
insert into public.payment_objects (object_id, object_type, status, data, last_event_id, last_event_type, last_event_at) values ('pi_rls', 'payment_intent', 'processing', '{}', 'evt_1', 'payment_intent.processing', now());

\set sel 'select 1 from public.payment_objects where object_id = ''pi_rls'''
\set ins 'insert into public.payment_objects (object_id, object_type, data, last_event_id, last_event_type, last_event_at) values (''pi_forged'', ''payment_intent'', ''{}'', ''evt_x'', ''x'', now())'
\set upd 'update public.payment_objects set status = ''succeeded'' where object_id = ''pi_rls'''
\set del 'delete from public.payment_objects where object_id = ''pi_rls'''
\set denied '42501: permission denied for table payment_objects'

select tests.rls_is('anon', :'sel', :'denied', 'anon cannot read payment objects');
select tests.rls_is('stranger', :'sel', :'denied', 'an authenticated user cannot read payment objects');
select tests.rls_is('owner', :'sel', :'denied', 'an organisation owner cannot read payment objects');
select tests.rls_is('service_role', :'sel', 'rows 1', 'service_role reads payment objects');

select tests.rls_is('anon', :'ins', :'denied', 'anon cannot insert payment objects');
select tests.rls_is('stranger', :'ins', :'denied', 'an authenticated user cannot insert payment objects');
select tests.rls_is('service_role', :'ins', 'rows 1', 'service_role inserts payment objects');

select tests.rls_is('anon', :'upd', :'denied', 'anon cannot update payment objects');
select tests.rls_is('stranger', :'upd', :'denied', 'an authenticated user cannot update payment objects');
select tests.rls_is('service_role', :'upd', 'rows 1', 'service_role updates payment objects');

select tests.rls_is('anon', :'del', :'denied', 'anon cannot delete payment objects');
select tests.rls_is('stranger', :'del', :'denied', 'an authenticated user cannot delete payment objects');
select tests.rls_is('service_role', :'del', 'rows 1', 'service_role deletes payment objects');

select * from finish();
rollback;
