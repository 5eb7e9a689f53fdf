-- Tenancy: organisations and memberships, a personal organisation for every new user, and the
-- private helpers every RLS policy in the project uses to scope rows to the caller's organisations.
-- Clients read through the Data API; organisations are created through public.create_organisation().

-- ============================================================================
-- types
-- ============================================================================
create type public.org_role as enum ('owner', 'admin', 'member');

comment on type public.org_role is
  'owner: everything, including deleting the organisation; admin: manage members and settings; '
  'member: use the organisation''s data.';

-- ============================================================================
-- tables
-- ============================================================================
create table public.organisations (
  id uuid primary key default gen_random_uuid(),
  name text not null,
  slug text unique,
  personal boolean not null default false,
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  constraint name_is_not_blank check (length(btrim(name)) between 1 and 200),
  constraint slug_is_kebab_case check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and length(slug) <= 63)
);

comment on table public.organisations is
  'Tenants. Every tenant row in the project carries organisation_id; personal = the one created '
  'for each user at sign-up (deleted with the user).';

create table public.memberships (
  organisation_id uuid not null references public.organisations (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  role public.org_role not null default 'member',
  created_at timestamptz not null default now(),
  primary key (organisation_id, user_id)
);

comment on table public.memberships is
  'Who belongs to which organisation, with which role. Every organisation keeps at least one owner.';

-- ============================================================================
-- indexes
-- ============================================================================
create index memberships_user_id_idx on public.memberships (user_id);
create unique index organisations_one_personal_per_user_idx
  on public.organisations (created_by) where personal;

-- ============================================================================
-- helpers (private; used by policies, so they are security definer to avoid RLS recursion)
-- ============================================================================
create function private.user_org_ids(
  p_roles public.org_role[] default '{owner,admin,member}'
)
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select m.organisation_id
  from public.memberships as m
  where m.user_id = (select auth.uid())
    and m.role = any (p_roles)
$$;

comment on function private.user_org_ids(public.org_role[]) is
  'Organisations of the calling user holding one of p_roles. Use in policies as '
  '`organisation_id in (select private.user_org_ids())` so it runs once per statement.';

create function private.has_role(p_organisation_id uuid, p_roles public.org_role[])
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1
    from public.memberships as m
    where m.organisation_id = p_organisation_id
      and m.user_id = (select auth.uid())
      and m.role = any (p_roles)
  )
$$;

comment on function private.has_role(uuid, public.org_role[]) is
  'True when the calling user holds one of p_roles in the organisation.';

create function private.is_member(p_organisation_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select private.has_role(p_organisation_id, '{owner,admin,member}')
$$;

comment on function private.is_member(uuid) is
  'True when the calling user belongs to the organisation, whatever the role.';

-- ============================================================================
-- triggers
-- ============================================================================
create function private.create_personal_organisation()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_organisation_id uuid;
begin
  insert into public.organisations (name, personal, created_by)
  values (
    coalesce(nullif(btrim(new.raw_user_meta_data ->> 'full_name'), ''), 'Personal'),
    true,
    new.id
  )
  returning id into v_organisation_id;

  insert into public.memberships (organisation_id, user_id, role)
  values (v_organisation_id, new.id, 'owner');

  return new;
end;
$$;

comment on function private.create_personal_organisation() is
  'after insert on auth.users: a personal organisation owned by the new user.';

create trigger tallyq_create_personal_organisation
  after insert on auth.users
  for each row execute function private.create_personal_organisation();

create function private.delete_personal_organisation()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  delete from public.organisations as o where o.created_by = old.id and o.personal;
  return old;
end;
$$;

comment on function private.delete_personal_organisation() is
  'before delete on auth.users: erase the user''s personal organisation and everything in it.';

create trigger tallyq_delete_personal_organisation
  before delete on auth.users
  for each row execute function private.delete_personal_organisation();

create function private.keep_an_owner()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if old.role <> 'owner' or (tg_op = 'UPDATE' and new.role = 'owner'
      and new.organisation_id = old.organisation_id) then
    return coalesce(new, old);
  end if;

  -- Serialise owner changes per organisation so two owners cannot demote each other at once.
  perform 1 from public.organisations as o where o.id = old.organisation_id for update;
  if not found then
    return coalesce(new, old); -- the organisation itself is being deleted
  end if;
  if tg_op = 'DELETE' and not exists (select 1 from auth.users as u where u.id = old.user_id) then
    return old; -- the user is being deleted (erasure wins; the org may be left without owner)
  end if;

  if not exists (
    select 1
    from public.memberships as m
    where m.organisation_id = old.organisation_id
      and m.role = 'owner'
      and m.user_id <> old.user_id
  ) then
    raise exception 'An organisation must keep at least one owner'
      using errcode = 'check_violation', table = 'memberships';
  end if;

  return coalesce(new, old);
end;
$$;

comment on function private.keep_an_owner() is
  'before update or delete on memberships: refuses to remove or demote the last owner.';

create trigger tallyq_keep_an_owner
  before update or delete on public.memberships
  for each row execute function private.keep_an_owner();

-- ============================================================================
-- rls
-- ============================================================================
alter table public.organisations enable row level security;
alter table public.memberships enable row level security;

create policy "Members can read their organisations"
  on public.organisations for select to authenticated
  using (id in (select private.user_org_ids()));

create policy "Owners and admins can rename their organisations"
  on public.organisations for update to authenticated
  using (id in (select private.user_org_ids('{owner,admin}')))
  with check (id in (select private.user_org_ids('{owner,admin}')));

create policy "Owners can delete their shared organisations"
  on public.organisations for delete to authenticated
  using (not personal and id in (select private.user_org_ids('{owner}')));

-- No insert policy: organisations are created through public.create_organisation().

create policy "Members can read the memberships of their organisations"
  on public.memberships for select to authenticated
  using (organisation_id in (select private.user_org_ids()));

create policy "Owners and admins can add members; only owners can add owners"
  on public.memberships for insert to authenticated
  with check (
    organisation_id in (select private.user_org_ids('{owner}'))
    or (role <> 'owner' and organisation_id in (select private.user_org_ids('{admin}')))
  );

create policy "Owners can change any role; admins can change non-owner roles"
  on public.memberships for update to authenticated
  using (
    organisation_id in (select private.user_org_ids('{owner}'))
    or (role <> 'owner' and organisation_id in (select private.user_org_ids('{admin}')))
  )
  with check (
    organisation_id in (select private.user_org_ids('{owner}'))
    or (role <> 'owner' and organisation_id in (select private.user_org_ids('{admin}')))
  );

create policy "Owners and admins can remove members; anyone can leave"
  on public.memberships for delete to authenticated
  using (
    user_id = (select auth.uid())
    or organisation_id in (select private.user_org_ids('{owner}'))
    or (role <> 'owner' and organisation_id in (select private.user_org_ids('{admin}')))
  );

-- ============================================================================
-- functions (API)
-- ============================================================================
create function public.create_organisation(p_name text, p_slug text default null)
returns public.organisations
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := (select auth.uid());
  v_organisation public.organisations;
begin
  if v_user_id is null then
    raise exception 'Not authenticated' using errcode = 'insufficient_privilege';
  end if;

  insert into public.organisations (name, slug, personal, created_by)
  values (btrim(p_name), p_slug, false, v_user_id)
  returning * into v_organisation;

  insert into public.memberships (organisation_id, user_id, role)
  values (v_organisation.id, v_user_id, 'owner');

  return v_organisation;
end;
$$;

comment on function public.create_organisation(text, text) is
  'RPC: creates a shared organisation with the caller as its owner.';

-- ============================================================================
-- grants
-- ============================================================================
revoke all on public.organisations, public.memberships from anon, authenticated;
grant select, delete on public.organisations to authenticated;
grant update (name, slug) on public.organisations to authenticated;
grant select, insert, delete on public.memberships to authenticated;
grant update (role) on public.memberships to authenticated;
grant all on public.organisations, public.memberships to service_role;

revoke all on function private.user_org_ids(public.org_role[]) from public, anon;
revoke all on function private.has_role(uuid, public.org_role[]) from public, anon;
revoke all on function private.is_member(uuid) from public, anon;
revoke all on function private.create_personal_organisation() from public, anon, authenticated;
revoke all on function private.delete_personal_organisation() from public, anon, authenticated;
revoke all on function private.keep_an_owner() from public, anon, authenticated;
revoke all on function public.create_organisation(text, text) from public, anon;

grant execute on function private.user_org_ids(public.org_role[]) to authenticated, service_role;
grant execute on function private.has_role(uuid, public.org_role[]) to authenticated, service_role;
grant execute on function private.is_member(uuid) to authenticated, service_role;
grant execute on function public.create_organisation(text, text) to authenticated;
