-- receipts: the same file (sha256) uploaded twice by the same owner is one receipt.
begin;
\ir ../00_helpers/tests_schema.psql
\ir ../receipts/fixtures.psql
select plan(3);
select tests.seed_tenancy() as acme_id \gset
select tests.insert_receipt('member', 'same-file');

select throws_ok(
  format($$select tests.insert_receipt('member', 'same-file')$$),
  '23505', 'duplicate key value violates unique constraint "receipts_owner_id_sha256_key"',
  'the same owner cannot store the same file twice');
select tests.rls_is('service_role',
  format('insert into public.receipts (organisation_id, owner_id, storage_path, sha256, content_type, size_bytes) values (%L, %L, %L, %L, ''image/jpeg'', 1)',
    tests.personal_org_id('member'), tests.user_id('member'), tests.personal_org_id('member') || '/' || tests.user_id('member') || '/other.jpg', tests.receipt_sha('same-file')),
  '23505: duplicate key value violates unique constraint "receipts_owner_id_sha256_key"',
  'not even into another of their organisations');
select lives_ok($$select tests.insert_receipt('owner', 'same-file')$$, 'another owner may store the same file');

select * from finish();
rollback;
