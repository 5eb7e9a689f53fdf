-- receipts × insert: no client inserts receipts (that would skip the upload API's rate limit,
-- file checks and name cleaning, and let one stored image be OCR'd any number of times); only
-- service_role does, which the API reaches through private.create_receipt.
begin;
\ir ../00_helpers/tests_schema.psql
\ir ../receipts/fixtures.psql
select plan(14);
select tests.seed_tenancy() as acme_id \gset

create function tests.insert_sql(p_owner text, p_org uuid default null, p_extra_col text default null, p_extra_val text default null)
returns text language sql stable set search_path = '' as $$
  select format(
    'insert into public.receipts (organisation_id, owner_id, storage_path, sha256, content_type, size_bytes, original_filename, idempotency_key%s) values %s',
    coalesce(', ' || p_extra_col, ''),
    case when p_extra_col is null then tests.receipt_values(p_owner, 'upload', p_org)
         else left(tests.receipt_values(p_owner, 'upload', p_org), -1) || ', ' || p_extra_val || ')' end)
$$;

select tests.rls_is('anon', tests.insert_sql('member'), '42501: permission denied for table receipts', 'anon cannot add receipts');
select tests.rls_is('stranger', tests.insert_sql('stranger'), '42501: permission denied for table receipts', 'a stranger cannot add a receipt to the organisation');
select tests.rls_is('member', tests.insert_sql('member'), '42501: permission denied for table receipts', 'a member cannot insert a receipt directly, not even their own');
select tests.rls_is('admin', tests.insert_sql('admin'), '42501: permission denied for table receipts', 'an admin cannot insert a receipt directly');
select tests.rls_is('owner', tests.insert_sql('owner'), '42501: permission denied for table receipts', 'the owner cannot insert a receipt directly');
select tests.rls_is('service_role', tests.insert_sql('member'), 'rows 1', 'service_role adds a receipt for any owner');
select tests.rls_is('stranger', tests.insert_sql('stranger', tests.personal_org_id('stranger')), '42501: permission denied for table receipts', 'not even into their personal organisation');

select tests.rls_is('member', tests.insert_sql('owner'), '42501: permission denied for table receipts', 'a member cannot add a receipt owned by someone else');
select tests.rls_is('member', tests.insert_sql('member', tests.personal_org_id('owner')), '42501: permission denied for table receipts', 'a member cannot add a receipt to an organisation they do not belong to');
select tests.rls_is('member', tests.insert_sql('member', null, 'status', '''ocr_done'''), '42501: permission denied for table receipts', 'a member cannot insert a settled status');
select tests.rls_is('member', tests.insert_sql('member', null, 'textract_job_id', '''someone-elses-job'''), '42501: permission denied for table receipts', 'a member cannot plant a Textract job id (the worker would fetch that job''s results)');
select tests.rls_is('member', tests.insert_sql('member', null, 'total', '''1.00'''), '42501: permission denied for table receipts', 'a member cannot forge extracted fields');

select tests.rls_is('service_role',
  format('insert into public.receipts (organisation_id, owner_id, storage_path, sha256, content_type, size_bytes) values (%L, %L, %L, %L, ''image/jpeg'', 1)',
    :'acme_id', tests.user_id('member'), :'acme_id' || '/' || tests.user_id('owner') || '/x.jpg', tests.receipt_sha('x')),
  '23514: new row for relation "receipts" violates check constraint "storage_path_is_under_org_and_owner"',
  'a receipt''s file must live under <organisation>/<owner>/');
select tests.rls_is('service_role',
  format('insert into public.receipts (organisation_id, owner_id, storage_path, sha256, content_type, size_bytes) values (%L, %L, %L, %L, ''image/jpeg'', 1)',
    :'acme_id', tests.user_id('member'), tests.personal_org_id('member') || '/' || tests.user_id('member') || '/x.jpg', tests.receipt_sha('x')),
  '23514: new row for relation "receipts" violates check constraint "storage_path_is_under_org_and_owner"',
  'the storage path check holds for service_role too');

select * from finish();
rollback;
