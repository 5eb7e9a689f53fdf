-- receipts × select: members (any role) read their organisation's receipts; nobody else does.
begin;
\ir ../00_helpers/tests_schema.psql
\ir ../receipts/fixtures.psql
select plan(7);
select tests.seed_tenancy() as acme_id \gset
select tests.isolate_receipt_pipeline();
select tests.insert_receipt('owner', 'owner-1');
select tests.insert_receipt('member', 'member-1');
select tests.insert_receipt('stranger', 'stranger-1', tests.personal_org_id('stranger'));

select format('select 1 from public.receipts where organisation_id = %L', :'acme_id') as sel \gset
select tests.rls_is('anon', :'sel', '42501: permission denied for table receipts', 'anon cannot read receipts');
select tests.rls_is('stranger', :'sel', 'rows 0', 'a stranger sees none of the organisation''s receipts');
select tests.rls_is('member', :'sel', 'rows 2', 'a member sees every receipt of the organisation, not only their own');
select tests.rls_is('admin', :'sel', 'rows 2', 'an admin sees both receipts');
select tests.rls_is('owner', :'sel', 'rows 2', 'the owner sees both receipts');
select tests.rls_is('service_role', :'sel', 'rows 2', 'service_role sees both receipts');
select tests.rls_is('member', 'select 1 from public.receipts', 'rows 2', 'a member does not see the stranger''s personal receipts');

select * from finish();
rollback;
