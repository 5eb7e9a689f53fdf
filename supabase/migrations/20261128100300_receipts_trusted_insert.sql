-- Receipts enter only through the upload API (issue 10): clients lose INSERT on public.receipts
-- (a direct insert skipped the rate limit, magic-byte and size checks and name cleaning, and let
-- one stored image be OCR'd any number of times); the receipts function calls
-- private.create_receipt as service_role after its checks. Also: a deleted user's receipts in
-- shared organisations stay with the organisation, and memberships.created_at is not a client's.

-- ============================================================================
-- tables
-- ============================================================================
-- A user's deletion no longer cascades to what they uploaded to shared organisations (their
-- personal organisation, and its receipts, still go: private.delete_personal_organisation).
alter table public.receipts alter column owner_id drop not null;
alter table public.receipts alter column owner_id drop default;
alter table public.receipts drop constraint receipts_owner_id_fkey;
alter table public.receipts add constraint receipts_owner_id_fkey
  foreign key (owner_id) references auth.users (id) on delete set null;

comment on column public.receipts.owner_id is
  'Who uploaded it; null once that user is deleted (the receipt stays the organisation''s).';

-- The columns hold what the API produces. Names written before this migration are cut to fit
-- (255 characters, or 63 where those are still more than 255 bytes).
update public.receipts set original_filename = case
    when original_filename = '' then null
    when octet_length(left(original_filename, 255)) <= 255 then left(original_filename, 255)
    else left(original_filename, 63) end
where original_filename = '' or octet_length(original_filename) > 255;
alter table public.receipts add constraint original_filename_is_short check (
  octet_length(original_filename) between 1 and 255
);
alter table public.receipts add constraint content_type_is_a_receipt_type check (content_type in (
  'image/jpeg', 'image/png', 'image/webp', 'image/tiff', 'image/heic', 'image/heif', 'application/pdf'
)) not valid; -- new and updated rows; a forged type from before fails its receipt at settle

-- ============================================================================
-- rls
-- ============================================================================
drop policy "Members can add receipts they own to their organisation" on public.receipts;

-- ============================================================================
-- functions
-- ============================================================================
create function private.create_receipt(
  p_owner_id uuid,
  p_organisation_id uuid,
  p_storage_path text,
  p_sha256 text,
  p_content_type text,
  p_size_bytes bigint,
  p_original_filename text,
  p_idempotency_key text
)
returns setof public.receipts
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_receipt public.receipts;
begin
  -- The API checked membership as the user; check again here, in the inserting transaction.
  perform 1 from public.memberships as m
  where m.organisation_id = p_organisation_id and m.user_id = p_owner_id
  for share;
  if not found then
    raise exception 'The owner is not a member of the organisation' using errcode = '42501';
  end if;

  insert into public.receipts (
    organisation_id, owner_id, storage_path, sha256, content_type, size_bytes,
    original_filename, idempotency_key
  )
  values (
    p_organisation_id, p_owner_id, p_storage_path, p_sha256, p_content_type, p_size_bytes,
    p_original_filename, p_idempotency_key
  )
  on conflict do nothing
  returning * into v_receipt;
  if found then
    return next v_receipt;
  end if;
end;
$$;

comment on function private.create_receipt(uuid, uuid, text, text, text, bigint, text, text) is
  'The receipts function''s only way to add a receipt (service_role, after its rate limit, file '
  'checks and name cleaning). Returns the new receipt, or no row when the owner already has this '
  'file (sha256) or Idempotency-Key; the insert trigger enqueues it.';

-- ============================================================================
-- grants
-- ============================================================================
revoke insert on public.receipts from authenticated;
-- (hosted gives API roles every column privilege by default: take INSERT back column by column)
revoke insert (
  organisation_id, owner_id, storage_path, sha256, content_type, size_bytes, original_filename,
  idempotency_key
) on public.receipts from authenticated;

revoke insert on public.memberships from authenticated;
grant insert (organisation_id, user_id, role) on public.memberships to authenticated;

revoke all on function private.create_receipt(uuid, uuid, text, text, text, bigint, text, text)
  from public, anon, authenticated;
grant execute on function private.create_receipt(uuid, uuid, text, text, text, bigint, text, text)
  to service_role;
