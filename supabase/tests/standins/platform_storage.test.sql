-- Platform bootstrap contract: storage.buckets / storage.objects as on hosted (RLS on, direct
-- deletes refused) and the path helpers storage policies use.
begin;
set local client_min_messages = warning;
create extension if not exists pgtap with schema extensions;
select plan(8);

select is(
  storage.foldername('org-1/receipts/2024/r.jpg'), array['org-1', 'receipts', '2024'],
  'storage.foldername returns the folder segments'
);
select is(storage.filename('org-1/receipts/r.final.jpg'), 'r.final.jpg', 'storage.filename returns the last segment');
select is(storage.extension('org-1/receipts/r.final.JPG'), 'JPG', 'storage.extension returns the extension');

select ok(
  (select bool_and(relrowsecurity) from pg_class where oid in ('storage.objects'::regclass, 'storage.buckets'::regclass)),
  'storage.objects and storage.buckets have RLS enabled'
);

insert into storage.buckets (id, name) values ('t_receipts', 't_receipts');
insert into storage.objects (bucket_id, name, owner_id, metadata)
values ('t_receipts', 'org-1/r.jpg', 'u1', '{"size": 3}');
select is(
  (select path_tokens from storage.objects where bucket_id = 't_receipts'),
  array['org-1', 'r.jpg'],
  'storage.objects derives path_tokens from name'
);
select throws_ok(
  $$delete from storage.objects where bucket_id = 't_receipts'$$,
  '42501',
  'Direct deletion from storage tables is not allowed. Use the Storage API instead.',
  'direct deletes from storage.objects are refused as on hosted'
);
select set_config('storage.can_delete', 'true', true);
select lives_ok(
  $$delete from storage.objects where bucket_id = 't_receipts'$$,
  'deletes pass when storage.can_delete is set (what the Storage API does)'
);

set local role authenticated;
select is_empty(
  $$select 1 from storage.buckets$$,
  'authenticated sees no buckets without a policy'
);
reset role;

select * from finish();
rollback;
