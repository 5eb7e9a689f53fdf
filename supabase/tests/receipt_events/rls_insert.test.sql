-- receipt_events × insert: history is written by triggers and the worker (service role) only.
begin;
\ir ../00_helpers/tests_schema.psql
\ir ../receipts/fixtures.psql
select plan(6);
select tests.seed_tenancy() as acme_id \gset
select tests.insert_receipt('member', 'member-1') as receipt_id \gset

select format('insert into public.receipt_events (receipt_id, organisation_id, event_type, to_status) values (%L, %L, ''ocr_done'', ''ocr_done'')', :'receipt_id', :'acme_id') as ins \gset
select tests.rls_is('anon', :'ins', '42501: permission denied for table receipt_events', 'anon cannot record events');
select tests.rls_is('stranger', :'ins', '42501: permission denied for table receipt_events', 'a stranger cannot record events');
select tests.rls_is('member', :'ins', '42501: permission denied for table receipt_events', 'a member cannot forge history for their own receipt');
select tests.rls_is('admin', :'ins', '42501: permission denied for table receipt_events', 'an admin cannot record events');
select tests.rls_is('owner', :'ins', '42501: permission denied for table receipt_events', 'the owner cannot record events');
select tests.rls_is('service_role', :'ins', 'rows 1', 'service_role records an event');

select * from finish();
rollback;
