-- receipt_artifacts × insert: only the worker (service role) records artifacts.
begin;
\ir ../00_helpers/tests_schema.psql
\ir ../receipts/fixtures.psql
select plan(6);
select tests.seed_tenancy() as acme_id \gset
select tests.insert_receipt('member', 'member-1') as receipt_id \gset

select format('insert into public.receipt_artifacts (receipt_id, kind, organisation_id, storage_path, sha256, size_bytes) values (%L, ''analyze_expense'', %L, ''artifacts/x.json'', %L, 1)', :'receipt_id', :'acme_id', tests.receipt_sha('x')) as ins \gset
select tests.rls_is('anon', :'ins', '42501: permission denied for table receipt_artifacts', 'anon cannot add artifacts');
select tests.rls_is('stranger', :'ins', '42501: permission denied for table receipt_artifacts', 'a stranger cannot add artifacts');
select tests.rls_is('member', :'ins', '42501: permission denied for table receipt_artifacts', 'a member cannot plant an artifact for their own receipt');
select tests.rls_is('admin', :'ins', '42501: permission denied for table receipt_artifacts', 'an admin cannot add artifacts');
select tests.rls_is('owner', :'ins', '42501: permission denied for table receipt_artifacts', 'the owner cannot add artifacts');
select tests.rls_is('service_role', :'ins', 'rows 1', 'service_role adds an artifact');

select * from finish();
rollback;
