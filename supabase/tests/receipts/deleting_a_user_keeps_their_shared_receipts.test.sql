-- Deleting a user erases their personal organisation (and its receipts) but not the receipts
-- they uploaded to shared organisations: those are the organisation's records (owner_id becomes
-- null; erasure of the files is the operations path).
begin;
\ir ../00_helpers/tests_schema.psql
\ir ../receipts/fixtures.psql
select plan(4);
select tests.seed_tenancy() as acme_id \gset
select tests.isolate_receipt_pipeline();
select tests.insert_receipt('member', 'shared') as shared \gset
select tests.insert_receipt('member', 'personal', tests.personal_org_id('member')) as personal \gset
select tests.user_id('member') as member_id \gset

select lives_ok(format('delete from auth.users where id = %L', :'member_id'), 'the user can be deleted');
select results_eq(format('select organisation_id, owner_id from public.receipts where id = %L', :'shared'),
  format('values (%L::uuid, null::uuid)', :'acme_id'), 'their receipt in the shared organisation survives, without an owner');
select is(tests.event_types(:'shared'), '{uploaded}', 'with its history');
select is((select count(*) from public.receipts where id = :'personal'), 0::bigint, 'their personal organisation''s receipt goes with it');

select * from finish();
rollback;
