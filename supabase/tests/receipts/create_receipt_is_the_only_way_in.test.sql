-- private.create_receipt: the upload API's way in (service_role only). It re-checks that the owner
-- belongs to the organisation, answers no row for a file the owner already has, and the columns
-- hold only what the API produces (a clean name of at most 255 bytes, a receipt content type).
begin;
\ir ../00_helpers/tests_schema.psql
\ir ../receipts/fixtures.psql
select plan(8);
select tests.seed_tenancy() as acme_id \gset
select tests.isolate_receipt_pipeline();
select tests.user_id('member') as member, tests.user_id('stranger') as stranger \gset

create function tests.create_sql(p_owner uuid, p_seed text, p_org uuid,
                                 p_type text default 'image/jpeg', p_name text default 'a.jpg')
returns text language sql immutable set search_path = '' as $$
  select format('select * from private.create_receipt(%L, %L, %L, %L, %L, 1024, %L, null)',
    p_owner, p_org, p_org::text || '/' || p_owner::text || '/' || tests.receipt_sha(p_seed) || '.jpg',
    tests.receipt_sha(p_seed), p_type, p_name)
$$;

select tests.rls_is('member', tests.create_sql(:'member', 'x', :'acme_id'), '42501: permission denied for function create_receipt', 'a client cannot call it');
select tests.rls_is('anon', tests.create_sql(:'member', 'x', :'acme_id'), '42501: permission denied for schema private', 'anon cannot call it');

select tests.use('service_role');
select isnt((select r.id from private.create_receipt(:'member', :'acme_id', :'acme_id' || '/' || :'member' || '/' || tests.receipt_sha('r1') || '.jpg', tests.receipt_sha('r1'), 'image/jpeg', 1024, 'r1.jpg', null) as r),
  null, 'service_role creates a receipt for a member');
select is((select r.id from private.create_receipt(:'member', :'acme_id', :'acme_id' || '/' || :'member' || '/' || tests.receipt_sha('r1') || '.jpg', tests.receipt_sha('r1'), 'image/jpeg', 1024, 'again.jpg', null) as r),
  null, 'the same file again answers no row (the API then answers with the existing receipt)');
select is((select count(*) from public.receipts where sha256 = tests.receipt_sha('r1')), 1::bigint, 'one receipt');
select throws_ok(tests.create_sql(:'stranger', 's', :'acme_id'),
  '42501', 'The owner is not a member of the organisation', 'a receipt for someone outside the organisation is refused');
select throws_ok(tests.create_sql(:'member', 'long', :'acme_id', 'image/jpeg', repeat('n', 5000)),
  '23514', 'new row for relation "receipts" violates check constraint "original_filename_is_short"', 'a 5,000-character file name is refused');
select throws_ok(tests.create_sql(:'member', 'html', :'acme_id', 'text/html'),
  '23514', 'new row for relation "receipts" violates check constraint "content_type_is_a_receipt_type"', 'a content type the API never produces is refused');

select * from finish();
rollback;
