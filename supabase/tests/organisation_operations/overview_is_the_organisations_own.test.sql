-- organisation_operations_overview: the queue figures and dead letters are the organisation's
-- receipts only; alerts are the tenant-visible rules' (firing or recent), with the rule's
-- description as message and no details.
begin;
\ir ../00_helpers/tests_schema.psql
\ir ../receipts/fixtures.psql
\ir ../receipt_operations/fixtures.psql
select plan(5);
select tests.seed_tenancy() as acme_id \gset
select tests.isolate_receipt_pipeline();
delete from private.alerts;
select tests.personal_org_id('stranger') as other_id \gset

-- dead letters: one of acme's, one of another organisation's
select tests.insert_receipt('member', 'dl') as dl \gset
select tests.insert_receipt('stranger', 'odl', :'other_id') as odl \gset
select tests.dead_letter(array[:'dl', :'odl']::uuid[]);
-- queue: acme has one waiting (q1) and one in flight (q2, enqueued 5 minutes ago); the other
-- organisation one in flight
select tests.insert_receipt('member', 'q1') as q1 \gset
select tests.insert_receipt('owner', 'q2') as q2 \gset
select tests.insert_receipt('stranger', 'oq', :'other_id') as oq \gset
select count(*) from private.claim_receipt_batch(10, 60);
update pgmq.q_receipt_ocr set vt = clock_timestamp() - interval '1 second' where (message ->> 'receipt_id')::uuid = :'q1';
update pgmq.q_receipt_ocr set enqueued_at = clock_timestamp() - interval '5 minutes' where (message ->> 'receipt_id')::uuid = :'q2';

insert into private.alerts (rule, subject, severity, summary, details, fired_at)
values ('dead_letters', 'receipt_ocr_dlq', 'critical', '2 dead-lettered messages in receipt_ocr_dlq', '{"count": 2}', clock_timestamp() - interval '1 minute'),
       ('audit_chain_broken', '', 'critical', 'The audit log hash chain does not verify', '{}', clock_timestamp());
insert into private.alerts (rule, subject, severity, status, summary, details, fired_at, resolved_at)
values ('queue_depth', 'webhook_events', 'warning', 'resolved', 'Queue webhook_events has 1200 messages', '{}',
        clock_timestamp() - interval '2 days', clock_timestamp() - interval '1 day'),
       ('queue_depth', 'receipt_ocr', 'warning', 'resolved', 'old', '{}',
        clock_timestamp() - interval '30 days', clock_timestamp() - interval '29 days');

select tests.use('admin');
select public.organisation_operations_overview(:'acme_id') as o \gset
select results_eq(format($$select (%L::jsonb -> 'queue' ->> 'depth')::int, (%L::jsonb -> 'queue' ->> 'in_flight')::int,
                                 (%L::jsonb -> 'queue' ->> 'oldest_age_seconds')::int between 299 and 310$$, :'o', :'o', :'o'),
  $$values (1, 1, true)$$, 'queue: one waiting, one in flight, the oldest 5 minutes old (the other organisation''s not counted)');
select is((:'o'::jsonb ->> 'dead_letters_total')::int, 1, 'one dead letter counted: the organisation''s');
select results_eq(format($$select d ->> 'receipt_id', d ->> 'original_filename', d ->> 'reason', (d ->> 'attempts')::int, d ->> 'status', (d ->> 'failed_at')::timestamptz <= clock_timestamp()
                            from jsonb_array_elements(%L::jsonb -> 'dead_letters') as d$$, :'o'),
  format($$values (%L, 'dl.jpg', 'corrupt image', 1, 'failed', true)$$, :'dl'),
  'each dead letter: receipt, file name, reason, attempts, status, when');
select results_eq(format($$select a ->> 'rule', a ->> 'status', a ->> 'message', a ? 'details' from jsonb_array_elements(%L::jsonb -> 'alerts') as a$$, :'o'),
  $$values ('dead_letters', 'firing', 'Any message in a dead-letter queue (receipt_ocr_dlq)', false),
           ('queue_depth', 'resolved', 'Messages waiting in a work queue above threshold (webhook_events)', false)$$,
  'alerts: tenant-visible rules only, newest first, firing or from the last 7 days; the description, not the figures');
select tests.use('stranger');
select is(
  (public.organisation_operations_overview(:'other_id') -> 'dead_letters' -> 0 ->> 'receipt_id'),
  :'odl', 'the other organisation sees its own dead letter');

select * from finish();
rollback;
