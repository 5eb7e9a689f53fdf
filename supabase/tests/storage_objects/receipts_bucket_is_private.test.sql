-- The receipts bucket exists, is private (files only through policies or signed URLs) and limits
-- what may be stored in it: receipt images, PDFs and the worker's JSON artifacts, up to 50 MiB.
begin;
\ir ../00_helpers/tests_schema.psql
select plan(2);

select results_eq(
  $$select id, public from storage.buckets where id = 'receipts'$$,
  $$values ('receipts'::text, false)$$,
  'the receipts bucket exists and is not public'
);
select results_eq(
  $$select file_size_limit, (select array_agg(t order by t) from unnest(allowed_mime_types) as t)
    from storage.buckets where id = 'receipts'$$,
  $$values (52428800::bigint, array['application/json', 'application/pdf', 'image/heic', 'image/heif',
                                    'image/jpeg', 'image/png', 'image/tiff', 'image/webp'])$$,
  'the bucket carries a size limit and the types the API stores'
);

select * from finish();
rollback;
