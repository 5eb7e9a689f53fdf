-- supabase_vault 0.3.1 API as a local stand-in (tallyq): vault.secrets holds base64 ciphertext,
-- vault.decrypted_secrets decrypts on read. pgcrypto replaces pgsodium; the key lives in a
-- table no role but the superuser can read (hosted keeps it outside the database).
\echo Use "CREATE EXTENSION supabase_vault" to load this file. \quit

-- ---------------------------------------------------------------- key (superuser only)
create table vault._local_key (
  singleton boolean primary key default true check (singleton),
  key text not null
);
revoke all on vault._local_key from public;

-- ---------------------------------------------------------------- encryption helpers
-- pgcrypto may live in any schema (hosted: extensions), so the helpers are created with the
-- schema found at install time; security definer so callers never touch the key table.
do $do$
declare
  v_crypto text := (
    select n.nspname from pg_extension e join pg_namespace n on n.oid = e.extnamespace
    where e.extname = 'pgcrypto'
  );
begin
  execute format(
    $f$
    insert into vault._local_key (key) values (encode(%1$I.gen_random_bytes(32), 'hex'));

    create function vault._encrypt(secret text, secret_id uuid)
    returns text language sql volatile security definer set search_path = '' as $b$
      select encode(
        %1$I.pgp_sym_encrypt(
          secret_id::text || ':' || secret,
          (select k.key from vault._local_key k),
          'cipher-algo=aes256'
        ),
        'base64'
      )
    $b$;

    create function vault._decrypt(secret text, secret_id uuid)
    returns text language sql stable security definer set search_path = '' as $b$
      select case when split_part(p, ':', 1) = secret_id::text
        then substr(p, length(secret_id::text) + 2) end
      from (
        select %1$I.pgp_sym_decrypt(decode(secret, 'base64'), (select k.key from vault._local_key k)) as p
      ) d
    $b$;
    $f$,
    v_crypto
  );
end;
$do$;

comment on function vault._decrypt(text, uuid) is
  'Decrypts a vault.secrets ciphertext; returns null when it was encrypted for another id.';

-- ---------------------------------------------------------------- secrets
create table vault.secrets (
  id uuid primary key default gen_random_uuid(),
  name text,
  description text not null default '',
  secret text not null,
  key_id uuid,
  nonce bytea,
  created_at timestamptz not null default current_timestamp,
  updated_at timestamptz not null default current_timestamp
);

comment on table vault.secrets is 'Table with encrypted `secret` column for storing sensitive information on disk.';

create unique index on vault.secrets using btree (name) where name is not null;

create view vault.decrypted_secrets as
select
  s.id,
  s.name,
  s.description,
  s.secret,
  vault._decrypt(s.secret, s.id) as decrypted_secret,
  s.key_id,
  s.nonce,
  s.created_at,
  s.updated_at
from vault.secrets s;

-- ---------------------------------------------------------------- functions
create function vault.create_secret(
  new_secret text,
  new_name text = null,
  new_description text = '',
  -- unused
  new_key_id uuid = null
)
returns uuid language plpgsql set search_path = '' as $$
declare
  v_id uuid := gen_random_uuid();
begin
  insert into vault.secrets (id, secret, name, description)
  values (v_id, vault._encrypt(new_secret, v_id), new_name, new_description);
  return v_id;
end
$$;

create function vault.update_secret(
  secret_id uuid,
  new_secret text = null,
  new_name text = null,
  new_description text = null,
  -- unused
  new_key_id uuid = null
)
returns void language plpgsql set search_path = '' as $$
begin
  update vault.secrets s
  set
    secret = case when new_secret is null then s.secret else vault._encrypt(new_secret, s.id) end,
    name = coalesce(new_name, s.name),
    description = coalesce(new_description, s.description),
    updated_at = now()
  where s.id = secret_id;
end
$$;

-- ---------------------------------------------------------------- grants
-- Hosted: only postgres (owner side) and service_role reach the vault; API roles do not.
revoke all on schema vault from public;
revoke all on all tables in schema vault from public;
revoke execute on all functions in schema vault from public;
do $do$
begin
  if exists (select 1 from pg_roles where rolname = 'service_role') then
    grant usage on schema vault to service_role;
    grant select, insert, update, delete on vault.secrets to service_role;
    grant select on vault.decrypted_secrets to service_role;
    grant execute on function vault.create_secret(text, text, text, uuid),
      vault.update_secret(uuid, text, text, text, uuid),
      vault._decrypt(text, uuid), vault._encrypt(text, uuid)
      to service_role;
  end if;
end;
$do$;

select pg_catalog.pg_extension_config_dump('vault.secrets', '');
select pg_catalog.pg_extension_config_dump('vault._local_key', '');
