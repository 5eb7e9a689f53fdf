-- GDPR erasure next to the ledger: a person who holds wallet accounts keeps an anonymous stub
-- (their uuid, which the append-only ledger names; no email, phone or metadata) instead of being
-- deleted, and a personal organisation that owns accounts stays (renamed). Financial records the
-- law requires are kept with the person detached. Without accounts, erase_user deletes as before.

-- ============================================================================
-- functions
-- ============================================================================
create function private._erase_person(p_user_id uuid)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_accounts regclass := to_regclass('public.wallet_accounts');
  v_identities regclass := to_regclass('auth.identities');
  v_has_accounts boolean := false;
  v_n bigint;
  v_counts jsonb := '{}'::jsonb;
begin
  if v_accounts is not null then
    execute format('select exists (select 1 from %s as a where a.user_id = $1 or a.organisation_id in '
      '(select o.id from public.organisations as o where o.personal and o.created_by = $1))', v_accounts)
      into v_has_accounts using p_user_id;
  end if;

  if not v_has_accounts then
    delete from public.organisations as o where o.personal and o.created_by = p_user_id;
    get diagnostics v_n = row_count;
    v_counts := v_counts || jsonb_build_object('personal_organisations', v_n);
    delete from auth.users as u where u.id = p_user_id;
    get diagnostics v_n = row_count;
    return v_counts || jsonb_build_object('users', v_n);
  end if;

  -- financial records stay: the person becomes an anonymous key
  update public.organisations as o set name = 'Erased person'
  where o.personal and o.created_by = p_user_id;
  delete from public.memberships as m
  where m.user_id = p_user_id
    and m.organisation_id not in (select o.id from public.organisations as o where o.personal and o.created_by = p_user_id);
  if v_identities is not null then
    execute format('delete from %s as i where i.user_id = $1', v_identities) using p_user_id;
  end if;
  update auth.users as u
  set email = null, phone = null, raw_user_meta_data = '{}'::jsonb, raw_app_meta_data = '{}'::jsonb
  where u.id = p_user_id;
  get diagnostics v_n = row_count;
  return v_counts || jsonb_build_object('users', v_n, 'personal_organisations', 0, 'kept_for_ledger', true);
end;
$$;

comment on function private._erase_person(uuid) is
  'The person part of erase_user: deletes the auth user and personal organisations, or - when the '
  'ledger holds their accounts - strips every personal field and keeps the uuid the ledger names.';

create or replace function private.erase_user(p_user_id uuid)
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

  delete from public.receipts as r where r.id = any (v_receipts);
  v_counts := v_counts || private._erase_person(p_user_id);

  if v_erase_audit is not null then
    execute format('select %s($1)', v_erase_audit::regproc) into v_n using p_user_id;
    v_counts := v_counts || jsonb_build_object('audit_personal_rows', v_n);
  end if;

  insert into private.erasures (subject_digest, counts)
  values (encode(sha256(convert_to(p_user_id::text, 'UTF8')), 'hex'), v_counts);
  return v_counts;
end;
$$;

-- ============================================================================
-- grants
-- ============================================================================
revoke all on function private._erase_person(uuid) from public, anon, authenticated;
