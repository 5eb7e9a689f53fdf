-- public.create_organisation(): the caller becomes the sole owner; anon cannot call it.
begin;
\ir ../00_helpers/tests_schema.psql
select plan(4);
select tests.seed_tenancy() as acme_id \gset

select tests.run_as('stranger', $$select public.create_organisation('Side project', 'side-project')$$);
select results_eq(
  $$select m.user_id, m.role::text from public.memberships as m where m.organisation_id = tests.org_id('side-project')$$,
  $$values (tests.user_id('stranger'), 'owner')$$,
  'the caller is the only member, as owner'
);
select is((select personal from public.organisations where slug = 'side-project'), false, 'the organisation is not personal');
select tests.rls_is('anon', $$select public.create_organisation('Nope')$$,
  '42501: permission denied for function create_organisation', 'anon cannot create organisations');
select tests.rls_is('member', $$select public.create_organisation('Acme again', 'acme')$$,
  '23505: duplicate key value violates unique constraint "organisations_slug_key"', 'slugs are unique');

select * from finish();
rollback;
