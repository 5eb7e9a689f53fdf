-- webhook_events × {anon, authenticated (stranger, org owner), service_role} × every command.
-- Raw provider events belong to no organisation: only the service role touches them.
begin;
\ir ../00_helpers/tests_schema.psql
\ir fixtures.psql
select plan(14);
select tests.seed_tenancy();
select tests.webhook_event('stripe', 'evt_rls', 'charge.succeeded', now(), '{"id":"evt_rls"}') as event_id \gset

\set sel 'select 1 from public.webhook_events where event_id = ''evt_rls'''
\set ins 'insert into public.webhook_events (provider, event_id, event_type, occurred_at, payload, signature_verified_at) values (''stripe'', ''evt_forged'', ''charge.succeeded'', now(), ''{}'', now())'
\set upd 'update public.webhook_events set status = ''processed'', processed_at = now() where event_id = ''evt_rls'''
\set del 'delete from public.webhook_events where event_id = ''evt_rls'''
\set denied '42501: permission denied for table webhook_events'

select tests.rls_is('anon', :'sel', :'denied', 'anon cannot read webhook events');
select tests.rls_is('stranger', :'sel', :'denied', 'an authenticated user cannot read webhook events');
select tests.rls_is('owner', :'sel', :'denied', 'an organisation owner cannot read webhook events');
select tests.rls_is('service_role', :'sel', 'rows 1', 'service_role reads webhook events');

select tests.rls_is('anon', :'ins', :'denied', 'anon cannot store webhook events');
select tests.rls_is('stranger', :'ins', :'denied', 'an authenticated user cannot forge webhook events');
select tests.rls_is('service_role', :'ins', 'rows 1', 'service_role stores webhook events');

select tests.rls_is('anon', :'upd', :'denied', 'anon cannot update webhook events');
select tests.rls_is('stranger', :'upd', :'denied', 'an authenticated user cannot update webhook events');
select tests.rls_is('service_role', :'upd', 'rows 1', 'service_role updates webhook events');

select tests.rls_is('anon', :'del', :'denied', 'anon cannot delete webhook events');
select tests.rls_is('stranger', :'del', :'denied', 'an authenticated user cannot delete webhook events');
select tests.rls_is('service_role', :'del', 'rows 1', 'service_role deletes webhook events');

select is(
  (select count(*)::int from pg_catalog.pg_policies where schemaname = 'public' and tablename = 'webhook_events'
     and roles && array['anon', 'authenticated', 'public']::name[]),
  0, 'no policy on webhook_events applies to anon or authenticated');

select * from finish();
rollback;
