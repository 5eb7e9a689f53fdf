-- Platform bootstrap contract: auth.uid() / auth.role() / auth.jwt() read the request JWT claims
-- like Supabase's definitions; the API roles exist with hosted attributes.
begin;
set local client_min_messages = warning;
create extension if not exists pgtap with schema extensions;
select plan(12);

select is(auth.uid(), null, 'auth.uid() is null without claims');
select is(auth.jwt(), null, 'auth.jwt() is null without claims');

select set_config(
  'request.jwt.claims',
  '{"sub": "8d0f6e3e-5d4c-4d8a-9a57-6c1f1d1b2a3c", "role": "authenticated", "email": "a@example.com"}',
  true
);
select is(auth.uid(), '8d0f6e3e-5d4c-4d8a-9a57-6c1f1d1b2a3c'::uuid, 'auth.uid() reads sub from request.jwt.claims');
select is(auth.role(), 'authenticated', 'auth.role() reads role from request.jwt.claims');
select is(auth.email(), 'a@example.com', 'auth.email() reads email from request.jwt.claims');
select is(auth.jwt() ->> 'email', 'a@example.com', 'auth.jwt() returns the claims as jsonb');

select set_config('request.jwt.claim.sub', '11111111-1111-1111-1111-111111111111', true);
select is(
  auth.uid(), '11111111-1111-1111-1111-111111111111'::uuid,
  'the legacy request.jwt.claim.sub setting wins, as on Supabase'
);

select set_config('request.jwt.claim.sub', '', true);
select set_config('request.jwt.claims', '', true);
select is(auth.uid(), null, 'empty claim settings mean no user');

select is(
  (select jsonb_object_agg(rolname, jsonb_build_array(rolcanlogin, rolinherit, rolbypassrls))
   from pg_roles where rolname in ('anon', 'authenticated', 'service_role', 'authenticator')),
  '{"anon": [false, false, false], "authenticated": [false, false, false],
    "authenticator": [true, false, false], "service_role": [false, false, true]}'::jsonb,
  'API roles have the hosted login/inherit/bypassrls attributes'
);
select ok(
  pg_has_role('authenticator', 'anon', 'member')
    and pg_has_role('authenticator', 'authenticated', 'member')
    and pg_has_role('authenticator', 'service_role', 'member'),
  'authenticator can switch to each API role'
);
select columns_are(
  'auth', 'users',
  array[
    'instance_id', 'id', 'aud', 'role', 'email', 'encrypted_password', 'email_confirmed_at',
    'invited_at', 'confirmation_token', 'confirmation_sent_at', 'recovery_token',
    'recovery_sent_at', 'email_change_token_new', 'email_change', 'email_change_sent_at',
    'last_sign_in_at', 'raw_app_meta_data', 'raw_user_meta_data', 'is_super_admin', 'created_at',
    'updated_at', 'phone', 'phone_confirmed_at', 'phone_change', 'phone_change_token',
    'phone_change_sent_at', 'confirmed_at', 'email_change_token_current',
    'email_change_confirm_status', 'banned_until', 'reauthentication_token',
    'reauthentication_sent_at', 'is_sso_user', 'deleted_at', 'is_anonymous'
  ],
  'auth.users has the GoTrue columns'
);
select ok(
  (select relrowsecurity from pg_class where oid = 'auth.users'::regclass),
  'auth.users has RLS enabled'
);

select * from finish();
rollback;
