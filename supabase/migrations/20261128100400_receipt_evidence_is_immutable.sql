-- Stored receipt files are evidence (issue 10): once registered, clients can neither replace nor
-- delete them (erasure is an operator path), and they may write only the staging folder the
-- upload API hands out. The bucket refuses what the API never stores. Replaces the upload,
-- update and delete policies of 20261122000130_storage_policies.sql.

-- ============================================================================
-- buckets
-- ============================================================================
-- 50 MiB (RECEIPT_MAX_BYTES' default); receipt images and PDFs, plus the worker's JSON artifacts.
update storage.buckets set
  file_size_limit = 52428800,
  allowed_mime_types = array[
    'image/jpeg', 'image/png', 'image/webp', 'image/tiff', 'image/heic', 'image/heif',
    'application/pdf', 'application/json'
  ]
where id = 'receipts';

-- ============================================================================
-- rls
-- ============================================================================
drop policy "Members can upload receipt files to their own folder" on storage.objects;
drop policy "Members can replace their own receipt files" on storage.objects;
drop policy "Members can delete their own receipt files" on storage.objects;

-- <org>/<user>/uploads/<name>: what POST /receipts/uploads hands out (register reads and removes
-- it). Registered files live at <org>/<user>/<sha256>.<ext>, which only the API writes.
create policy "Members can stage uploads in their own folder"
  on storage.objects for insert to authenticated
  with check (
    bucket_id = 'receipts'
    and array_length(storage.foldername(name), 1) = 3
    and (storage.foldername(name))[3] = 'uploads'
    and (storage.foldername(name))[2] = (select auth.uid())::text
    and (storage.foldername(name))[1] in (select o::text from private.user_org_ids() as o)
  );

-- No update or delete policy for clients: a stored file is never replaced, moved or deleted by
-- its uploader (service_role, which the API and operators use, bypasses RLS).
