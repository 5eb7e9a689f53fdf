-- receipt_events × select: members read their organisation's receipt history; nobody else does.
begin;
\ir ../00_helpers/tests_schema.psql
\ir ../receipts/fixtures.psql
select plan(6);
select tests.seed_tenancy() as acme_id \gset
select tests.isolate_receipt_pipeline();
select tests.insert_receipt('owner', 'owner-1');
select tests.insert_receipt('member', 'member-1');
select tests.insert_receipt('stranger', 'stranger-1', tests.personal_org_id('stranger'));

select 'select 1 from public.receipt_events' as sel \gset
select tests.rls_is('anon', :'sel', '42501: permission denied for table receipt_events', 'anon cannot read receipt events');
select tests.rls_is('stranger', :'sel', 'rows 1', 'a stranger sees only their own organisation''s event');
select tests.rls_is('member', :'sel', 'rows 2', 'a member sees both uploaded events of the organisation');
select tests.rls_is('admin', :'sel', 'rows 2', 'an admin sees both events');
select tests.rls_is('owner', :'sel', 'rows 2', 'the owner sees both events');
select tests.rls_is('service_role', :'sel', 'rows 3', 'service_role sees every event');

select * from finish();
rollback;
