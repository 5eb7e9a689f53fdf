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
-- functions
-- ============================================================================
-- storage.foldername('org/user/a.jpg') = '{org,user}'. The organisation is compared as text so a
-- malformed path is simply not matched instead of raising a cast error. Invoker rights: it sees
-- what the caller sees; user_org_ids() is the definer that reads memberships.
create function private.is_own_receipt_object(p_bucket_id text, p_name text)
returns boolean
language sql
stable
set search_path = ''
as $$
  select p_bucket_id = 'receipts'
    and (storage.foldername(p_name))[2] = (select auth.uid())::text
    and (storage.foldername(p_name))[1] in (select o::text from private.user_org_ids() as o)
$$;

comment on function private.is_own_receipt_object(text, text) is
  'The storage policies'' one predicate: p_name lies in the receipts bucket under '
  '<organisation the caller belongs to>/<caller>/.';

-- ============================================================================
-- rls (storage.objects already has RLS enabled on hosted Supabase)
-- ============================================================================
create policy "Members can read their own receipt files"
  on storage.objects for select to authenticated
  using (private.is_own_receipt_object(bucket_id, name));

create policy "Members can upload receipt files to their own folder"
  on storage.objects for insert to authenticated
  with check (private.is_own_receipt_object(bucket_id, name));

create policy "Members can replace their own receipt files"
  on storage.objects for update to authenticated
  using (private.is_own_receipt_object(bucket_id, name))
  with check (private.is_own_receipt_object(bucket_id, name));

create policy "Members can delete their own receipt files"
  on storage.objects for delete to authenticated
  using (private.is_own_receipt_object(bucket_id, name));

-- ============================================================================
-- grants
-- ============================================================================
revoke all on function private.is_own_receipt_object(text, text) from public, anon;
grant execute on function private.is_own_receipt_object(text, text) to authenticated;
