-- Signing up creates a personal organisation owned by the new user; deleting the user erases it.
begin;
\ir ../00_helpers/tests_schema.psql
select plan(4);

select tests.create_user('newcomer', '{"full_name": "Nia Newcomer"}') as newcomer_id \gset
select results_eq(
  format('select o.name, o.personal, m.role::text from public.organisations o join public.memberships m on m.organisation_id = o.id where m.user_id = %L', :'newcomer_id'),
  $$values ('Nia Newcomer', true, 'owner')$$,
  'one personal organisation named after the user, with the user as owner'
);
select tests.create_user('anonymous-ish') as other_id \gset
select is((select name from public.organisations where created_by = :'other_id' and personal), 'Personal', 'without a name the organisation is called Personal');

select tests.personal_org_id('newcomer') as personal_id \gset
delete from auth.users where id = :'newcomer_id';
select is_empty(format($$select 1 from public.organisations where id = %L$$, :'personal_id'), 'deleting the user deletes their personal organisation');
select is_empty(format($$select 1 from public.memberships where user_id = %L$$, :'newcomer_id'), 'and their memberships');

select * from finish();
rollback;
