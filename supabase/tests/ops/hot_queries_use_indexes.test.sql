-- Database hygiene at realistic row counts (40,000 receipts of 201 organisations, 20,000 queued
-- messages, 100,000 events): the hot paths - the worker's queue claim, a member's receipt list and its next page (through RLS, as the
-- receipts API runs it) and a receipt's history - scan no big table sequentially. This
-- transaction's own statistics (pg_stat_xact_user_tables) show what each statement touched.
begin;
\ir ../00_helpers/tests_schema.psql
\ir ../receipts/fixtures.psql
select plan(5);
select tests.seed_tenancy() as acme_id \gset
select tests.isolate_receipt_pipeline();

-- 200 people with their personal organisations; acme (the member's) is one of 201
select tests.create_user('bulk' || i) from generate_series(1, 200) as i;
create temp table owners on commit drop as
select i, tests.user_id('bulk' || i) as owner_id, tests.personal_org_id('bulk' || i) as org_id
from generate_series(1, 200) as i
union all select 0, tests.user_id('member'), :'acme_id'::uuid;

set local session_replication_role = replica; -- bulk fixtures without the pipeline's triggers
insert into public.receipts (organisation_id, owner_id, storage_path, sha256, content_type, size_bytes, status, created_at)
select o.org_id, o.owner_id, format('%s/%s/%s.jpg', o.org_id, o.owner_id, g),
  encode(sha256(convert_to(g::text, 'UTF8')), 'hex'), 'image/jpeg', 1000,
  case when g <= 20000 then 'pending' else 'ocr_done' end::public.receipt_status, now() - make_interval(secs => g)
from generate_series(1, 40000) as g join owners as o on o.i = g % 201;
insert into pgmq.q_receipt_ocr (vt, message)
select now() + case when i > 100 then interval '1 hour' else interval '0' end, jsonb_build_object('receipt_id', r.id)
from (select id, row_number() over (order by created_at desc) as i from public.receipts where status = 'pending') as r;
insert into public.receipt_events (receipt_id, organisation_id, event_type, to_status)
select r.id, r.organisation_id, e, 'pending'::public.receipt_status from public.receipts as r, unnest(array['uploaded', 'processing']) as e
where r.status = 'ocr_done'
union all
select r.id, r.organisation_id, e, 'pending'::public.receipt_status from public.receipts as r, unnest(array['uploaded', 'processing', 'ocr_done']) as e
where r.status = 'pending';
set local session_replication_role = origin;
analyze public.receipts;
analyze public.receipt_events;
analyze pgmq.q_receipt_ocr;

create function pg_temp.seq_scans(p_rel regclass) returns bigint language sql as
  $$select coalesce((select seq_scan from pg_stat_xact_user_tables where relid = p_rel), 0)$$;
create temp table seen (rel regclass, seq_scan bigint) on commit drop;
insert into seen select r, pg_temp.seq_scans(r)
from unnest(array['public.receipts', 'pgmq.q_receipt_ocr', 'public.receipt_events']::regclass[]) as r;
create function pg_temp.new_seq_scans() returns text[] language sql as $$
  select coalesce(array_agg(format('%s +%s', s.rel, pg_temp.seq_scans(s.rel) - s.seq_scan) order by s.rel::text)
    filter (where pg_temp.seq_scans(s.rel) > s.seq_scan), '{}') from seen as s$$;

-- 1. the worker's claim: 10 visible messages among 20,000
select is((select count(*) from private.claim_receipt_batch(10, 30)), 10::bigint, 'the claim takes 10 messages');
select is(pg_temp.new_seq_scans(), '{}'::text[], 'claim_receipt_batch: no sequential scan of receipts or the queue');
update seen set seq_scan = pg_temp.seq_scans(rel);

-- 2. a member's first page of receipts, through RLS, and 3. one receipt's events (receipts API)
select tests.use('member');
select id as some_id from public.receipts order by created_at desc, id desc limit 1 \gset
-- (the SQL of receipts/api/repository.ts list(), first page and the next through its cursor)
prepare receipt_page (public.receipt_status, uuid, timestamptz, uuid, integer) as
select r.id, r.created_at from public.receipts as r
where ($1::public.receipt_status is null or r.status = $1::public.receipt_status)
  and ($2::uuid is null or r.organisation_id = $2::uuid)
  and ($3::timestamptz is null or (r.created_at, r.id) < ($3::timestamptz, $4::uuid))
order by r.created_at desc, r.id desc
limit $5;
create temp table page on commit drop as execute receipt_page(null, null, null, null, 20);
select created_at as cursor_ts, id as cursor_id from page order by created_at, id limit 1 \gset
create temp table next_page on commit drop as execute receipt_page(null, null, :'cursor_ts', :'cursor_id', 20);
select count(*) from public.receipt_events as e where e.receipt_id = :'some_id';
select tests.use('postgres');
select is((select count(*) from page), 20::bigint, 'the member sees a full page');
select is((select count(*) from next_page where created_at < :'cursor_ts'), 20::bigint,
  'and a full next page, older than the cursor');
select is(pg_temp.new_seq_scans(), '{}'::text[], 'receipt list and history: no sequential scan');

select * from finish();
rollback;
