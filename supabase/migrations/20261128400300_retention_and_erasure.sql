-- Retention (raw images deleted N days after a successful OCR, OCR artifacts moved to the
-- archive/ prefix after 90 days) and GDPR erasure of one person. The SQL decides and records; the
-- retention function and the ops erasure endpoint move the bytes through the storage API (hosted
-- Supabase refuses direct deletes from storage.objects). Every function takes the time it acts at
-- as a parameter, so tests control the clock.

-- ============================================================================
-- tables
-- ============================================================================
create table private.deleted_receipt_images (
  receipt_id uuid primary key references public.receipts (id) on delete cascade,
  storage_path text not null,
  deleted_at timestamptz not null
);

comment on table private.deleted_receipt_images is
  'Receipts whose raw image was deleted by retention; their fields and artifacts remain.';

create table private.archived_artifacts (
  storage_path text primary key,
  archive_path text not null,
  archived_at timestamptz not null,
  constraint archive_path_is_under_archive check (archive_path = 'archive/' || storage_path)
);

comment on table private.archived_artifacts is
  'Content-addressed artifacts moved to archive/<path> (readers fall back to it). Shared by every '
  'receipt whose artifact row names storage_path.';

create table private.erasures (
  id uuid primary key default gen_random_uuid(),
  subject_digest text not null,
  erased_at timestamptz not null default clock_timestamp(),
  counts jsonb not null,
  constraint subject_digest_is_sha256 check (subject_digest ~ '^[0-9a-f]{64}$')
);

comment on table private.erasures is
  'One row per GDPR erasure, without personal data: sha256 of the user id (to re-apply an erasure '
  'after restoring a backup, or answer "was this person erased"), when, and what was removed.';

-- ============================================================================
-- indexes
-- ============================================================================
-- who else uses a content-addressed artifact (retention, erasure)
create index receipt_artifacts_storage_path_idx on public.receipt_artifacts (storage_path);
create index erasures_subject_digest_idx on private.erasures (subject_digest);

-- ============================================================================
-- functions: retention
-- ============================================================================
create function private.retention_due(
  p_now timestamptz,
  p_image_days integer default 30,
  p_artifact_days integer default 90,
  p_limit integer default 500
)
returns table (action text, storage_path text, receipt_id uuid)
language sql
stable
security definer
set search_path = ''
as $$
  (select 'delete_image', r.storage_path, r.id
   from public.receipts as r
   where r.processed_at < p_now - make_interval(days => p_image_days)
     and r.status in ('ocr_done', 'needs_review')
     and not exists (select 1 from private.deleted_receipt_images as d where d.receipt_id = r.id)
   order by r.processed_at
   limit p_limit)
  union all
  -- an artifact object is archived once its NEWEST use is past the window: a receipt made
  -- yesterday from the same bytes keeps it where it is
  (select 'archive_artifact', a.storage_path, null::uuid
   from public.receipt_artifacts as a
   where not exists (select 1 from private.archived_artifacts as x where x.storage_path = a.storage_path)
   group by a.storage_path
   having max(a.created_at) < p_now - make_interval(days => p_artifact_days)
   limit p_limit);
$$;

comment on function private.retention_due(timestamptz, integer, integer, integer) is
  'What retention should do at p_now: raw images of receipts settled more than p_image_days ago, '
  'artifact objects whose newest use is older than p_artifact_days. Called by the retention function.';

create function private.record_retention(
  p_now timestamptz,
  p_deleted_images uuid[],
  p_archived_artifacts text[]
)
returns void
language sql
security definer
set search_path = ''
as $$
  insert into private.deleted_receipt_images (receipt_id, storage_path, deleted_at)
  select r.id, r.storage_path, p_now from public.receipts as r where r.id = any (p_deleted_images)
  on conflict (receipt_id) do nothing;
  insert into private.archived_artifacts (storage_path, archive_path, archived_at)
  select p, 'archive/' || p, p_now from unnest(p_archived_artifacts) as p
  on conflict (storage_path) do nothing;
$$;

-- ============================================================================
-- functions: erasure
-- ============================================================================
-- Blobs a person's erasure removes: their receipts' images, and the artifacts (and archived
-- copies) that no other person's receipt uses.
create function private.erasure_blobs(p_user_id uuid)
returns table (storage_path text)
language sql
stable
security definer
set search_path = ''
as $$
  select r.storage_path from public.receipts as r where r.owner_id = p_user_id
  union
  select p.path
  from public.receipt_artifacts as a
  join public.receipts as r on r.id = a.receipt_id and r.owner_id = p_user_id
  cross join lateral (values (a.storage_path), ('archive/' || a.storage_path)) as p (path)
  where not exists (
    select 1 from public.receipt_artifacts as other
    join public.receipts as o on o.id = other.receipt_id
    where other.storage_path = a.storage_path and o.owner_id <> p_user_id);
$$;

comment on function private.erasure_blobs(uuid) is
  'Storage paths to delete when erasing p_user_id: images of their receipts, and artifacts nobody '
  'else''s receipt shares (content-addressed: shared artifacts stay).';

create function private.erase_user(p_user_id uuid)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_receipts uuid[];
  v_counts jsonb := '{}'::jsonb;
  v_erase_audit regprocedure := to_regprocedure('private.erase_audit_personal_data(uuid)');
  v_n bigint;
  v_queue text;
begin
  if p_user_id is null then
    raise exception 'erase_user: a user id is required' using errcode = '22004';
  end if;
  -- one erasure of a person at a time
  perform pg_advisory_xact_lock(hashtextextended('tallyq.erase_user:' || p_user_id::text, 0));

  select coalesce(array_agg(r.id), '{}') into v_receipts from public.receipts as r where r.owner_id = p_user_id;
  v_counts := v_counts || jsonb_build_object('receipts', cardinality(v_receipts));

  -- queue messages that name their receipts (live, dead-lettered and archived)
  foreach v_queue in array array['q_receipt_ocr', 'q_receipt_ocr_dlq', 'a_receipt_ocr', 'a_receipt_ocr_dlq'] loop
    execute format('delete from pgmq.%I as m where (m.message ->> ''receipt_id'')::uuid = any ($1)', v_queue)
      using v_receipts;
    get diagnostics v_n = row_count;
    v_counts := v_counts || jsonb_build_object('queue_' || v_queue, v_n);
  end loop;

  -- receipts (events, artifact rows and retention rows cascade; the vendor directory forgets the
  -- receipt it learnt from but keeps the shop, which is not personal)
  delete from public.receipts as r where r.id = any (v_receipts);

  -- their personal organisations go with everything in them; shared organisations stay and
  -- forget who created them (organisations.created_by: on delete set null)
  delete from public.organisations as o where o.personal and o.created_by = p_user_id;
  get diagnostics v_n = row_count;
  v_counts := v_counts || jsonb_build_object('personal_organisations', v_n);

  -- the person: auth.users (email, phone, metadata) and, by cascade, memberships and identities
  delete from auth.users as u where u.id = p_user_id;
  get diagnostics v_n = row_count;
  v_counts := v_counts || jsonb_build_object('users', v_n);

  -- the audit log keeps its rows (and its hash chain); their personal part is destroyed when the
  -- audit log has one (20261128200100_audit_log_context.sql)
  if v_erase_audit is not null then
    execute format('select %s($1)', v_erase_audit::regproc) into v_n using p_user_id;
    v_counts := v_counts || jsonb_build_object('audit_personal_rows', v_n);
  end if;

  insert into private.erasures (subject_digest, counts)
  values (encode(sha256(convert_to(p_user_id::text, 'UTF8')), 'hex'), v_counts);
  return v_counts;
end;
$$;

comment on function private.erase_user(uuid) is
  'GDPR erasure of one person: their receipts (with events, artifact rows, queue messages), '
  'personal organisations, auth user and memberships, and the personal part of audit rows; records '
  'the erasure in private.erasures without personal data. Blobs: private.erasure_blobs, deleted by '
  'the ops endpoint (POST /functions/v1/ops/erasure) through the storage API.';

-- ============================================================================
-- grants
-- ============================================================================
revoke all on private.deleted_receipt_images, private.archived_artifacts, private.erasures
  from public, anon, authenticated;
grant select on private.deleted_receipt_images, private.archived_artifacts, private.erasures to service_role;
revoke all on function private.retention_due(timestamptz, integer, integer, integer) from public, anon, authenticated;
revoke all on function private.record_retention(timestamptz, uuid[], text[]) from public, anon, authenticated;
revoke all on function private.erasure_blobs(uuid) from public, anon, authenticated;
revoke all on function private.erase_user(uuid) from public, anon, authenticated;
grant execute on function private.retention_due(timestamptz, integer, integer, integer) to service_role;
grant execute on function private.record_retention(timestamptz, uuid[], text[]) to service_role;
grant execute on function private.erasure_blobs(uuid) to service_role;
grant execute on function private.erase_user(uuid) to service_role;

-- ============================================================================
-- cron: retention once a day (the retention function moves the bytes)
-- ============================================================================
select cron.schedule('tallyq_retention', '23 3 * * *', $$select private.kick_function('retention', 'cron')$$);
