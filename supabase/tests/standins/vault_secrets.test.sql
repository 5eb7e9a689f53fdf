-- Vault stand-in contract: secrets are stored encrypted, readable decrypted only through
-- vault.decrypted_secrets, and only by postgres and service_role.
begin;
set local client_min_messages = warning;
create extension if not exists pgtap with schema extensions;
create extension if not exists supabase_vault cascade;
select plan(9);

create temp table t_secret as
select vault.create_secret('sk_live_0123456789', 't_webhook_key', 'webhook signing key') as id;
grant select on t_secret to public;

select is(
  (select decrypted_secret from vault.decrypted_secrets where name = 't_webhook_key'),
  'sk_live_0123456789',
  'decrypted_secrets returns the plaintext'
);
select results_eq(
  $$select id, description from vault.decrypted_secrets where name = 't_webhook_key'$$,
  $$select id, 'webhook signing key' from t_secret$$,
  'create_secret returns the id and stores name and description'
);
select ok(
  (select position('sk_live' in secret) = 0 and secret <> 'sk_live_0123456789'
   from vault.secrets where name = 't_webhook_key'),
  'vault.secrets does not hold the plaintext'
);
select vault.update_secret((select id from t_secret), 'sk_live_rotated');
select is(
  (select decrypted_secret from vault.decrypted_secrets where name = 't_webhook_key'),
  'sk_live_rotated',
  'update_secret replaces the secret'
);
select throws_ok(
  $$select vault.create_secret('again', 't_webhook_key')$$,
  '23505',
  null,
  'secret names are unique'
);

-- a ciphertext copied onto another row does not decrypt there
insert into vault.secrets (name, secret) select 't_copy', secret from vault.secrets where name = 't_webhook_key';
select is(
  (select decrypted_secret from vault.decrypted_secrets where name = 't_copy'),
  null,
  'a ciphertext only decrypts for the secret id it was written for'
);

set local role service_role;
select is(
  (select decrypted_secret from vault.decrypted_secrets where name = 't_webhook_key'),
  'sk_live_rotated',
  'service_role can read decrypted secrets'
);
reset role;

set local role authenticated;
select throws_ok(
  $$select decrypted_secret from vault.decrypted_secrets$$,
  '42501',
  'permission denied for schema vault',
  'authenticated cannot read the vault'
);
reset role;

set local role anon;
select throws_ok(
  $$select * from vault.secrets$$,
  '42501',
  'permission denied for schema vault',
  'anon cannot read the vault'
);
reset role;

select * from finish();
rollback;
