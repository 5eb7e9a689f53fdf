-- Erasing a person who holds a wallet keeps the user row (the ledger names it) but removes their
-- sign-in identities (GoTrue's auth.identities carry the email); someone else's stay.
begin;
\ir ../00_helpers/tests_schema.psql
select plan(3);

insert into auth.users (id, email, role, aud)
values ('00000000-0000-4000-8000-0000000e1a51', 'erase-me@test.tallyq.local', 'authenticated', 'authenticated'),
       ('00000000-0000-4000-8000-0000000e1a52', 'keep-me@test.tallyq.local', 'authenticated', 'authenticated');
insert into auth.identities (provider_id, user_id, identity_data, provider)
values ('00000000-0000-4000-8000-0000000e1a51', '00000000-0000-4000-8000-0000000e1a51',
        '{"email": "erase-me@test.tallyq.local"}', 'email'),
       ('00000000-0000-4000-8000-0000000e1a52', '00000000-0000-4000-8000-0000000e1a52',
        '{"email": "keep-me@test.tallyq.local"}', 'email');
insert into public.wallet_accounts (kind, user_id, currency)
values ('user', '00000000-0000-4000-8000-0000000e1a51', 'EUR');

select is((private.erase_user('00000000-0000-4000-8000-0000000e1a51') ->> 'kept_for_ledger')::boolean, true,
  'a wallet holder is detached, not deleted');
select is((select count(*)::int from auth.identities where user_id = '00000000-0000-4000-8000-0000000e1a51'), 0,
  'their identities are gone');
select is((select count(*)::int from auth.identities where user_id = '00000000-0000-4000-8000-0000000e1a52'), 1,
  'another person''s identity stays');

select * from finish();
rollback;
