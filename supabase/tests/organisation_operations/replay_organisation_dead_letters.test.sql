-- replay_organisation_dead_letters: an owner or admin replays their organisation's dead letters
-- among the ids named (another organisation's are never touched), each replayed event records
-- who; plain members, strangers and anon are refused.
begin;
\ir ../00_helpers/tests_schema.psql
\ir ../receipts/fixtures.psql
\ir ../receipt_operations/fixtures.psql
select plan(13);
select tests.seed_tenancy() as acme_id \gset
select tests.isolate_receipt_pipeline();
select tests.personal_org_id('stranger') as other_id \gset
select tests.insert_receipt('member', 'dl1') as dl1 \gset
select tests.insert_receipt('member', 'dl2') as dl2 \gset
select tests.insert_receipt('stranger', 'odl', :'other_id') as odl \gset
select tests.dead_letter(array[:'dl1', :'dl2', :'odl']::uuid[]);

select format('select public.replay_organisation_dead_letters(%L, array[%L, %L]::uuid[])', :'acme_id', :'dl1', :'odl') as stmt \gset
select tests.rls_is('anon', :'stmt', '42501: permission denied for function replay_organisation_dead_letters', 'anon cannot execute it');
select tests.rls_is('stranger', :'stmt', 'P0002: Organisation not found', 'a stranger: not found');
select tests.rls_is('member', :'stmt', '42501: Only owners and admins of the organisation can see its operations', 'a plain member is refused');

select tests.use('admin');
select is(public.replay_organisation_dead_letters(:'acme_id', array[:'dl1', :'odl', gen_random_uuid()]::uuid[]),
  array[:'dl1']::uuid[], 'the admin replays: only the organisation''s dead letter among the ids');
select tests.use('postgres');
select results_eq(format($$select id::text, status::text from public.receipts where id in (%L, %L, %L) order by status, id = %L$$, :'dl1', :'dl2', :'odl', :'odl'),
  format($$values (%L, 'failed'), (%L, 'failed'), (%L, 'pending')$$, :'dl2', :'odl', :'dl1'),
  'it is pending again; the unnamed one and the other organisation''s stay failed');
select is(tests.receipt_msg_count('q_receipt_ocr', :'dl1'), 1::bigint, 'and queued for OCR again');
select is(array(select (message ->> 'receipt_id')::uuid from pgmq.q_receipt_ocr_dlq order by 1), (select array_agg(x order by x) from unnest(array[:'dl2', :'odl']::uuid[]) as x),
  'its dead letter is gone; the others stay');
select results_eq(format($$select metadata ->> 'replayed_by', metadata ->> 'replayed_by_role' from public.receipt_events where receipt_id = %L and event_type = 'replayed'$$, :'dl1'),
  format($$values (%L, 'authenticated')$$, tests.user_id('admin')), 'the replayed event records who: the admin');

select tests.use('owner');
select is(public.replay_organisation_dead_letters(:'acme_id', array[:'dl1']::uuid[]), '{}'::uuid[], 'again: no longer a dead letter, nothing replayed');
select is(public.replay_organisation_dead_letters(:'acme_id', '{}'), '{}'::uuid[], 'no ids: nothing replayed (never all)');
select tests.use('postgres');
-- a dead letter whose receipt was completed since is archived, not replayed
update public.receipts set status = 'ocr_done' where id = :'dl2';
select tests.use('service_role');
select is(public.replay_organisation_dead_letters(:'acme_id', array[:'dl2']::uuid[]), '{}'::uuid[], 'a dead letter of a receipt done since is not replayed');
select tests.use('postgres');
select is((select count(*) from pgmq.q_receipt_ocr_dlq where (message ->> 'receipt_id')::uuid = :'dl2'), 0::bigint, 'but archived');
select tests.use('service_role');
select is(public.replay_organisation_dead_letters(:'other_id', array[:'odl']::uuid[]), array[:'odl']::uuid[], 'the service role replays any organisation''s');

select * from finish();
rollback;
