-- Erasure names auth.identities (GoTrue's, on every hosted project) directly: …200200 reached it
-- through to_regclass because the local platform lacked the table; the local bootstrap now has it,
-- so the migration carries no knowledge of local stand-ins. Otherwise unchanged from …200200.
create or replace function private._erase_person(p_user_id uuid)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_has_accounts boolean;
  v_n bigint;
  v_counts jsonb := '{}'::jsonb;
begin
  select exists (
    select 1 from public.wallet_accounts as a
    where a.user_id = p_user_id
       or a.organisation_id in (
         select o.id from public.organisations as o where o.personal and o.created_by = p_user_id))
  into v_has_accounts;

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
  delete from auth.identities as i where i.user_id = p_user_id;
  update auth.users as u
  set email = null, phone = null, raw_user_meta_data = '{}'::jsonb, raw_app_meta_data = '{}'::jsonb
  where u.id = p_user_id;
  get diagnostics v_n = row_count;
  return v_counts || jsonb_build_object('users', v_n, 'personal_organisations', 0, 'kept_for_ledger', true);
end;
$$;
