-- Platform bootstrap contract for the auth stand-in's tables (supabase/local/auth/): sessions and
-- refresh tokens are shaped as GoTrue's, die with their user (erasure signs the person out
-- everywhere), refresh tokens die with their session, and the API roles cannot read them.
begin;
set local client_min_messages = warning;
create extension if not exists pgtap with schema extensions;
select plan(9);

select has_column('auth', 'sessions', 'aal', 'auth.sessions has GoTrue''s aal column');
select col_type_is('auth', 'sessions', 'aal', 'auth.aal_level', 'sessions.aal is auth.aal_level');
select has_column('auth', 'refresh_tokens', 'parent', 'auth.refresh_tokens has GoTrue''s parent column');

insert into auth.users (id, email, role, aud, encrypted_password, email_confirmed_at)
values ('5a1f0c2e-0000-4000-8000-000000000001', 'sessions@test.tallyq.local', 'authenticated',
        'authenticated', extensions.crypt('pw', extensions.gen_salt('bf')), now());
insert into auth.sessions (id, user_id, created_at, updated_at, aal)
values ('5a1f0c2e-0000-4000-8000-0000000000a1', '5a1f0c2e-0000-4000-8000-000000000001', now(), now(), 'aal1'),
       ('5a1f0c2e-0000-4000-8000-0000000000a2', '5a1f0c2e-0000-4000-8000-000000000001', now(), now(), 'aal1');
insert into auth.refresh_tokens (token, user_id, revoked, session_id, created_at, updated_at)
values ('tokenAAAA0001', '5a1f0c2e-0000-4000-8000-000000000001', false, '5a1f0c2e-0000-4000-8000-0000000000a1', now(), now()),
       ('tokenAAAA0002', '5a1f0c2e-0000-4000-8000-000000000001', false, '5a1f0c2e-0000-4000-8000-0000000000a2', now(), now());

select throws_ok(
  $$insert into auth.refresh_tokens (token, user_id, revoked, session_id)
    values ('tokenAAAA0001', 'x', false, null)$$,
  '23505', null, 'a refresh token is unique'
);

delete from auth.sessions where id = '5a1f0c2e-0000-4000-8000-0000000000a1';
select is(
  (select array_agg(token order by token) from auth.refresh_tokens
    where user_id = '5a1f0c2e-0000-4000-8000-000000000001'),
  array['tokenAAAA0002']::varchar[],
  'ending a session deletes its refresh tokens'
);

select is(
  extensions.crypt('pw', (select encrypted_password from auth.users
    where id = '5a1f0c2e-0000-4000-8000-000000000001')),
  (select encrypted_password from auth.users where id = '5a1f0c2e-0000-4000-8000-000000000001')::text,
  'a bcrypt hash made with pgcrypto verifies the password (what the password grant checks)'
);

set local role authenticated;
select throws_ok('select * from auth.sessions', '42501', null, 'authenticated cannot read sessions');
select throws_ok('select * from auth.refresh_tokens', '42501', null, 'authenticated cannot read refresh tokens');
reset role;

delete from auth.users where id = '5a1f0c2e-0000-4000-8000-000000000001';
select is(
  (select count(*)::int from auth.sessions where user_id = '5a1f0c2e-0000-4000-8000-000000000001')
  + (select count(*)::int from auth.refresh_tokens where user_id = '5a1f0c2e-0000-4000-8000-000000000001'),
  0,
  'deleting the user (erasure) deletes their sessions and refresh tokens'
);

select * from finish();
rollback;
