-- Storage: the private `receipts` bucket and the policies that confine each user to
-- `<organisation_id>/<user_id>/…` inside organisations they belong to.
-- Used by clients (signed uploads) and edge functions acting as the user; service_role bypasses.

-- ============================================================================
-- buckets
-- ============================================================================
insert into storage.buckets (id, name, public)
values ('receipts', 'receipts', false)
on conflict (id) do nothing;

-- ============================================================================
-- rls (storage.objects already has RLS enabled on hosted Supabase)
-- ============================================================================
-- storage.foldername('org/user/a.jpg') = '{org,user}'. The organisation is compared as text so a
-- malformed path is simply not matched instead of raising a cast error.
create policy "Members can read their own receipt files"
  on storage.objects for select to authenticated
  using (
    bucket_id = 'receipts'
    and (storage.foldername(name))[2] = (select auth.uid())::text
    and (storage.foldername(name))[1] in (select o::text from private.user_org_ids() as o)
  );

create policy "Members can upload receipt files to their own folder"
  on storage.objects for insert to authenticated
  with check (
    bucket_id = 'receipts'
    and (storage.foldername(name))[2] = (select auth.uid())::text
    and (storage.foldername(name))[1] in (select o::text from private.user_org_ids() as o)
  );

create policy "Members can replace their own receipt files"
  on storage.objects for update to authenticated
  using (
    bucket_id = 'receipts'
    and (storage.foldername(name))[2] = (select auth.uid())::text
    and (storage.foldername(name))[1] in (select o::text from private.user_org_ids() as o)
  )
  with check (
    bucket_id = 'receipts'
    and (storage.foldername(name))[2] = (select auth.uid())::text
    and (storage.foldername(name))[1] in (select o::text from private.user_org_ids() as o)
  );

create policy "Members can delete their own receipt files"
  on storage.objects for delete to authenticated
  using (
    bucket_id = 'receipts'
    and (storage.foldername(name))[2] = (select auth.uid())::text
    and (storage.foldername(name))[1] in (select o::text from private.user_org_ids() as o)
  );
