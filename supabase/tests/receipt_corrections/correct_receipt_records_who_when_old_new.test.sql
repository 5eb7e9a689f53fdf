-- correct_receipt: each changed field becomes one correction (who, when, old and new value in the
-- column's text form), sent fields get confidence 1, the receipt moves from needs_review to
-- ocr_done with a 'corrected' event, and every correction is in the audit log with its actor.
begin;
\ir ../00_helpers/tests_schema.psql
\ir ../receipts/fixtures.psql
\ir fixtures.psql
select plan(9);
select tests.seed_tenancy() as acme_id \gset
select tests.isolate_receipt_pipeline();
select tests.read_receipt('member', 'r1') as r1 \gset

select is(tests.correct_as('admin', :'r1', jsonb_build_object(
  'vendor', '  Corner Cafe ', 'total', '12.2089', 'tax', 2, 'receipt_date', '2026-03-15',
  'receipt_time', '09:27', 'currency', 'eur', 'payment_method', null, 'vendor_address', '')),
  'ok ocr_done', 'an admin of the organisation corrects a needs_review receipt: it is done');

select results_eq(
  format($$select field, old_value, new_value, corrected_by = %L, corrected_at between now() and clock_timestamp()
           from public.receipt_corrections where receipt_id = %L order by field$$, tests.user_id('admin'), :'r1'),
  $$values ('payment_method', 'card', null::text, true, true),
           ('receipt_date', '2026-03-14', '2026-03-15', true, true),
           ('receipt_time', '09:26:53', '09:27:00', true, true),
           ('tax', '2.1189', '2.0000', true, true),
           ('vendor', 'Corner Café', 'Corner Cafe', true, true),
           ('vendor_address', '1 Main St', null, true, true)$$,
  'one row per changed field: old and new value as stored, who (the admin); the unchanged total and currency none');

select results_eq(
  format($$select vendor, vendor_address, receipt_date::text, receipt_time::text, currency, tax::text, total::text, payment_method
           from public.receipts where id = %L$$, :'r1'),
  $$values ('Corner Cafe', null::text, '2026-03-15', '09:27:00', 'EUR', '2.0000', '12.2089', null::text)$$,
  'the receipt holds the corrected values (trimmed, empty = null, currency upper-cased)');

select is(
  (select field_confidence from public.receipts where id = :'r1'),
  '{"tax": 1, "date": 1, "time": 1, "total": 1, "vendor": 1, "address": 1, "currency": 1, "payment_method": 1}'::jsonb,
  'every sent field has confidence 1 (the parser''s keys: address, date, time), changed or confirmed as it was');

select results_eq(
  format($$select event_type, from_status::text, to_status::text, metadata from public.receipt_events
           where receipt_id = %L and event_type = 'corrected'$$, :'r1'),
  format($$values ('corrected', 'needs_review', 'ocr_done', jsonb_build_object(
    'fields', '["payment_method", "receipt_date", "receipt_time", "tax", "vendor", "vendor_address"]'::jsonb,
    'confirmed', true, 'corrected_by', %L::text))$$, tests.user_id('admin')),
  'one corrected event: needs_review -> ocr_done, the changed fields, who');

select is(
  (select count(*) from private.audit_log as l
   where l.table_name = 'receipt_corrections' and l.op = 'INSERT'
     and l.actor_id = tests.user_id('admin') and l.actor_role = 'authenticated'
     and l.organisation_id = :'acme_id' and l.new_record ->> 'receipt_id' = :'r1'),
  6::bigint, 'each correction is audited with the acting user and the organisation');

select is(tests.correct_as('member', :'r1', '{"total": 1500.5}'), 'ok ocr_done', 'a done receipt can be corrected again');
select results_eq(
  format($$select old_value, new_value, corrected_by = %L from public.receipt_corrections
           where receipt_id = %L and field = 'total'$$, tests.user_id('member'), :'r1'),
  $$values ('12.2089', '1500.5000', true)$$, 'a JSON number is an amount too; the new correction names the member');
select is(
  (select array_agg(e.event_type order by e.id) from public.receipt_events as e where e.receipt_id = :'r1' and e.event_type = 'corrected'),
  '{corrected,corrected}', 'each correction is its own event');

select * from finish();
rollback;
