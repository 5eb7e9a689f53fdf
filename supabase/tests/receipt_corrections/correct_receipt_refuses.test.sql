-- correct_receipt refuses: callers who cannot see the receipt (as not found), anon and the
-- service role (no execute), receipts not yet read, and values a column cannot hold, naming the
-- field. A refused correction stores nothing.
begin;
\ir ../00_helpers/tests_schema.psql
\ir ../receipts/fixtures.psql
\ir fixtures.psql
select plan(24);
select tests.seed_tenancy() as acme_id \gset
select tests.isolate_receipt_pipeline();
select tests.read_receipt('member', 'r1') as r1 \gset

-- who
select is(tests.correct_as('stranger', :'r1', '{"vendor": "X"}'), 'P0002: Receipt not found', 'a stranger: not found (existence not revealed)');
select is(tests.correct_as('member', gen_random_uuid(), '{"vendor": "X"}'), 'P0002: Receipt not found', 'an unknown id: not found');
select is(tests.correct_as('anon', :'r1', '{"vendor": "X"}'), '42501: permission denied for function correct_receipt', 'anon cannot execute it');
select is(tests.correct_as('service_role', :'r1', '{"vendor": "X"}'), '42501: permission denied for function correct_receipt', 'the service role cannot either: a correction is a person''s');
select is(tests.outcome_as('postgres', format($$select public.correct_receipt(%L, '{"vendor": "X"}')$$, :'r1')), '42501: Not authenticated', 'no user in the claims: refused');

-- when
select tests.insert_receipt('member', 'pending') as pending_id \gset
select is(tests.correct_as('member', :'pending_id', '{"vendor": "X"}'), '55000: Receipt is pending and cannot be corrected until it is read', 'a pending receipt is not reviewable');
select private.claim_receipt_batch(10, 30);
select is(tests.correct_as('member', :'pending_id', '{"vendor": "X"}'), '55000: Receipt is processing and cannot be corrected until it is read', 'nor a processing one');
\ir ../receipt_operations/fixtures.psql
select tests.insert_receipt('member', 'failed') as failed_id \gset
select tests.dead_letter(array[:'failed_id']::uuid[]);
select is(tests.correct_as('member', :'failed_id', '{"vendor": "X"}'), '55000: Receipt is failed and cannot be corrected until it is read', 'nor a failed one');

-- what
select is(tests.correct_as('member', :'r1', f.fields::jsonb), f.expected, f.description)
from (values
  ('{"total": -1}', '22023: total: must be a non-negative amount with at most 4 decimals', 'a negative amount'),
  ('{"tax": "1.23456"}', '22023: tax: must be a non-negative amount with at most 4 decimals', 'more decimals than the column keeps'),
  ('{"subtotal": "12,30"}', '22023: subtotal: must be a non-negative amount with at most 4 decimals', 'a decimal comma'),
  ('{"receipt_date": "2026-02-30"}', '22023: receipt_date: must be a date as YYYY-MM-DD', 'a date that does not exist'),
  ('{"receipt_date": "14/03/2026"}', '22023: receipt_date: must be a date as YYYY-MM-DD', 'a date in another format'),
  ('{"receipt_time": "25:00"}', '22023: receipt_time: must be a time as HH:MM or HH:MM:SS', 'a time that does not exist'),
  ('{"currency": "EURO"}', '22023: currency: must be an ISO 4217 code such as EUR', 'a currency that is no code'),
  ('{"vendor_tax_id": "12-3"}', '22023: vendor_tax_id: 6 to 24 letters and digits', 'a tax id too short'),
  ('{"colour": "red"}', '22023: colour: is not a field that can be corrected', 'an unknown field'),
  ('{"status": "ocr_done"}', '22023: status: is not a field that can be corrected', 'the status is not a field'),
  ('{"vendor": {"name": "X"}}', '22023: vendor: must be a string, a number or null', 'an object as a value'),
  ('[]', '22023: fields: must be an object', 'fields that are no object')
) as f (fields, expected, description);
select is(tests.correct_as('member', :'r1', '{"vendor": "X"}'::jsonb || jsonb_build_object('vendor_address', repeat('a', 501))),
  '22023: vendor_address: at most 500 characters', 'an address too long');
select is(tests.correct_as('member', :'r1', '{}', false), '22023: fields: nothing to correct', 'no fields and no confirmation: nothing to do');

-- a concurrent currency change under amounts converted with the old currency
select is(tests.outcome_as('member', format($$select public.correct_receipt(%L, '{"total": "5.00"}', true, 'JPY')$$, :'r1')),
  '40001: Receipt currency changed while it was being corrected', 'amounts converted with another currency than the receipt''s: refused');

select results_eq(
  format($$select status::text, vendor, (select count(*) from public.receipt_corrections) from public.receipts where id = %L$$, :'r1'),
  $$values ('needs_review', 'Corner Café', 0::bigint)$$, 'nothing was stored by any refusal');

select * from finish();
rollback;
