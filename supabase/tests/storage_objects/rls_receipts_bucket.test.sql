-- storage.objects in the receipts bucket × every command: a user touches only <org>/<own user id>/…
-- of organisations they belong to; service_role touches everything.
begin;
\ir ../00_helpers/tests_schema.psql
select plan(25);
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

-- insert (into the member's folder)
select format('insert into storage.objects (bucket_id, name) values (''receipts'', %L)', :'acme_id' || '/' || :'member_id' || '/new.jpg') as ins \gset
select tests.rls_is('anon', :'ins', '42501: new row violates row-level security policy for table "objects"', 'anon cannot upload');
select tests.rls_is('stranger', :'ins', '42501: new row violates row-level security policy for table "objects"', 'a stranger cannot upload into the organisation');
select tests.rls_is('member', :'ins', 'rows 1', 'a member uploads into their own folder');
select tests.rls_is('admin', :'ins', '42501: new row violates row-level security policy for table "objects"', 'an admin cannot upload into another member''s folder');
select tests.rls_is('owner', :'ins', '42501: new row violates row-level security policy for table "objects"', 'the owner cannot upload into another member''s folder');
select tests.rls_is('service_role', :'ins', 'rows 1', 'service_role uploads anywhere');
select tests.rls_is('stranger', format('insert into storage.objects (bucket_id, name) values (''receipts'', %L)', :'acme_id' || '/' || tests.user_id('stranger') || '/x.jpg'),
  '42501: new row violates row-level security policy for table "objects"', 'a stranger cannot use their own user folder inside an organisation they are not in');
select tests.rls_is('member', format('insert into storage.objects (bucket_id, name) values (''receipts'', %L)', 'not-a-uuid/' || :'member_id' || '/x.jpg'),
  '42501: new row violates row-level security policy for table "objects"', 'a malformed organisation folder is refused, not an error');
select tests.rls_is('member', format('insert into storage.objects (bucket_id, name) values (''receipts'', %L)', tests.personal_org_id('member') || '/' || :'member_id' || '/x.jpg'),
  'rows 1', 'a member uploads into their personal organisation');

-- update
select format('update storage.objects set metadata = ''{}'' where bucket_id = ''receipts'' and name like %L', :'acme_id' || '/%') as upd \gset
select tests.rls_is('anon', :'upd', 'rows 0', 'anon updates nothing');
select tests.rls_is('stranger', :'upd', 'rows 0', 'a stranger updates nothing');
select tests.rls_is('member', :'upd', 'rows 1', 'a member updates only their own file');
select tests.rls_is('owner', :'upd', 'rows 0', 'the owner updates no one else''s file');
select tests.rls_is('service_role', :'upd', 'rows 2', 'service_role updates every file');
select tests.rls_is('member', format('update storage.objects set name = %L where name = %L', :'acme_id' || '/' || :'admin_id' || '/moved.jpg', :'acme_id' || '/' || :'member_id' || '/r1.jpg'),
  '42501: new row violates row-level security policy for table "objects"', 'a member cannot move a file into someone else''s folder');

-- delete
select format('delete from storage.objects where bucket_id = ''receipts'' and name like %L', :'acme_id' || '/%') as del \gset
select tests.rls_is('anon', :'del', 'rows 0', 'anon deletes nothing');
select tests.rls_is('member', :'del', 'rows 1', 'a member deletes only their own file');
select tests.rls_is('admin', :'del', 'rows 1', 'an admin deletes only their own file');
select tests.rls_is('service_role', :'del', 'rows 2', 'service_role deletes every file');

select * from finish();
rollback;
