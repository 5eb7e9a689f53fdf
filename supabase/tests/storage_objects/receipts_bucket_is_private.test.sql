-- The receipts bucket exists and is private (files only through policies or signed URLs).
begin;
\ir ../00_helpers/tests_schema.psql
select plan(1);

select results_eq(
  $$select id, public from storage.buckets where id = 'receipts'$$,
  $$values ('receipts'::text, false)$$,
  'the receipts bucket exists and is not public'
);

select * from finish();
rollback;
