-- storage.objects in the receipts bucket × every command: a user reads only <org>/<own user id>/…
-- of organisations they belong to and may stage an upload under <org>/<own id>/uploads/; a stored
-- receipt file is evidence, so no client replaces, moves or deletes it (service_role does).
begin;
\ir ../00_helpers/tests_schema.psql
select plan(27);
select tests.seed_tenancy() as acme_id \gset
select tests.user_id('member') as member_id, tests.user_id('admin') as admin_id \gset
select set_config('storage.can_delete', 'true', true); -- what the Storage API sets before deleting

insert into storage.objects (bucket_id, name) values
  ('receipts', :'acme_id' || '/' || :'member_id' || '/r1.jpg'),
  ('receipts', :'acme_id' || '/' || :'admin_id' || '/r2.jpg');

-- select
select format('select 1 from storage.objects where bucket_id = ''receipts'' and name like %L', :'acme_id' || '/%') as sel \gset
select tests.rls_is('anon', :'sel', 'rows 0', 'anon sees no receipt files');
select tests.rls_is('stranger', :'sel', 'rows 0', 'a stranger sees no receipt files');
select tests.rls_is('member', :'sel', 'rows 1', 'a member sees only their own file');
select tests.rls_is('admin', :'sel', 'rows 1', 'an admin sees only their own file');
select tests.rls_is('owner', :'sel', 'rows 0', 'the owner has no files of their own');
select tests.rls_is('service_role', :'sel', 'rows 2', 'service_role sees every file');

-- insert: only a staged upload in the user's own folder
select format('insert into storage.objects (bucket_id, name) values (''receipts'', %L)', :'acme_id' || '/' || :'member_id' || '/uploads/' || gen_random_uuid()) as ins \gset
select tests.rls_is('anon', :'ins', '42501: new row violates row-level security policy for table "objects"', 'anon cannot upload');
select tests.rls_is('stranger', :'ins', '42501: new row violates row-level security policy for table "objects"', 'a stranger cannot upload into the organisation');
select tests.rls_is('member', :'ins', 'rows 1', 'a member stages an upload in their own folder');
select tests.rls_is('admin', :'ins', '42501: new row violates row-level security policy for table "objects"', 'an admin cannot stage into another member''s folder');
select tests.rls_is('owner', :'ins', '42501: new row violates row-level security policy for table "objects"', 'the owner cannot stage into another member''s folder');
select tests.rls_is('service_role', :'ins', 'rows 1', 'service_role uploads anywhere');
select tests.rls_is('member', format('insert into storage.objects (bucket_id, name) values (''receipts'', %L)', :'acme_id' || '/' || :'member_id' || '/' || repeat('a', 64) || '.jpg'),
  '42501: new row violates row-level security policy for table "objects"', 'a member cannot write where registered receipts live (<org>/<user>/<sha256>.<ext>)');
select tests.rls_is('member', format('insert into storage.objects (bucket_id, name) values (''receipts'', %L)', :'acme_id' || '/' || :'member_id' || '/uploads/x/y.jpg'),
  '42501: new row violates row-level security policy for table "objects"', 'nor deeper than the staging folder');
select tests.rls_is('stranger', format('insert into storage.objects (bucket_id, name) values (''receipts'', %L)', :'acme_id' || '/' || tests.user_id('stranger') || '/uploads/' || gen_random_uuid()),
  '42501: new row violates row-level security policy for table "objects"', 'a stranger cannot use their own user folder inside an organisation they are not in');
select tests.rls_is('member', format('insert into storage.objects (bucket_id, name) values (''receipts'', %L)', 'not-a-uuid/' || :'member_id' || '/uploads/' || gen_random_uuid()),
  '42501: new row violates row-level security policy for table "objects"', 'a malformed organisation folder is refused, not an error');
select tests.rls_is('member', format('insert into storage.objects (bucket_id, name) values (''receipts'', %L)', tests.personal_org_id('member') || '/' || :'member_id' || '/uploads/' || gen_random_uuid()),
  'rows 1', 'a member stages an upload in their personal organisation');

-- update: nobody but service_role (a stored receipt is evidence)
select format('update storage.objects set metadata = ''{}'' where bucket_id = ''receipts'' and name like %L', :'acme_id' || '/%') as upd \gset
select tests.rls_is('anon', :'upd', 'rows 0', 'anon updates nothing');
select tests.rls_is('stranger', :'upd', 'rows 0', 'a stranger updates nothing');
select tests.rls_is('member', :'upd', 'rows 0', 'a member cannot replace their own stored file');
select tests.rls_is('owner', :'upd', 'rows 0', 'the owner updates no one''s file');
select tests.rls_is('service_role', :'upd', 'rows 2', 'service_role updates every file');

-- delete: nobody but service_role (erasure is an operator path)
select format('delete from storage.objects where bucket_id = ''receipts'' and name like %L', :'acme_id' || '/%') as del \gset
select tests.rls_is('anon', :'del', 'rows 0', 'anon deletes nothing');
select tests.rls_is('member', :'del', 'rows 0', 'a member cannot delete their own stored file');
select tests.rls_is('admin', :'del', 'rows 0', 'an admin cannot delete their own stored file');
select tests.rls_is('owner', :'del', 'rows 0', 'the owner cannot delete members'' files');
select tests.rls_is('service_role', :'del', 'rows 2', 'service_role deletes every file');

select * from finish();
rollback;
