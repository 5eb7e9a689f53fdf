-- Usage: psql "$SUPABASE_DB_URL" -q -f scripts/sql/bench-org-operations.sql   (any migrated stack; rolls back)
--
-- The web app's database calls under a backlog: :orgs organisations × :per_org receipts, all
-- queued (one live pgmq message each, so the queue table holds orgs × per_org rows), every tenth
-- one dead-lettered. Measures, as an organisation admin:
--   overview      public.organisation_operations_overview (its queue slice, dead letters, alerts)
--                 beside private.ops_metrics (the operators' platform-wide figures, same queues);
--                 its queue slice both ways: each queued message's receipt probed (the first
--                 version, …500200) and the organisation's waiting receipts looked up in the
--                 queue's receipt-id index (…500400)
--   correct       public.correct_receipt of vendor + total (corrections, audit rows, event,
--                 directory) side by side with
--   bare update   the same two columns written by a plain UPDATE (what a correction would cost
--                 without its record: no history, no audit, no directory)
-- Prints the median milliseconds of :calls calls each. Nothing is committed.
-- 20 × 500 = 10,000 receipts: 9,000 queued, 1,000 dead letters
\set orgs 20
\set per_org 500
\set calls 30
select set_config('bench.orgs', :'orgs', false), set_config('bench.per_org', :'per_org', false),
       set_config('bench.calls', :'calls', false);
begin;
\ir ../../supabase/tests/00_helpers/tests_schema.psql
\ir ../../supabase/tests/receipts/fixtures.psql
select tests.isolate_receipt_pipeline();
set local client_min_messages = warning;

-- organisations, each with an owner (the admin who asks)
create temp table bench_orgs as
select n, tests.create_user('bench-owner-' || n) as owner_id from generate_series(1, current_setting('bench.orgs')::int) as n;
alter table bench_orgs add column org_id uuid;
update bench_orgs set org_id = (select o.id from public.organisations as o where o.personal and o.created_by = owner_id);

-- receipts: one statement, so one per-statement enqueue (send_batch) for all of them
insert into public.receipts (organisation_id, owner_id, storage_path, sha256, content_type, size_bytes, original_filename)
select b.org_id, b.owner_id, b.org_id || '/' || b.owner_id || '/' || s.sha || '.jpg', s.sha, 'image/jpeg', 1024, 'r' || i || '.jpg'
from bench_orgs as b
cross join generate_series(1, current_setting('bench.per_org')::int) as i
cross join lateral (select encode(sha256(convert_to(b.n || '/' || i, 'UTF8')), 'hex') as sha) as s;

-- every tenth receipt dead-lettered, every other one read (reviewable), as the worker leaves them
select count(*) as dead_lettered from (
  select private.settle_receipt_batch(jsonb_agg(jsonb_build_object(
    'msg_id', c.msg_id, 'receipt_id', c.receipt_id, 'outcome', 'fail', 'mode', 'ocr', 'error', 'BadDocumentException')))
  from private.claim_receipt_batch(100000, 30) as c
  join public.receipts as r on r.id = c.receipt_id
  where right(r.original_filename, 5) ~ '0\.jpg$'
) as x;
update pgmq.q_receipt_ocr set vt = clock_timestamp() - interval '1 second';
update public.receipts set status = 'needs_review', vendor = 'SHOP', total = 10, currency = 'EUR',
  vendor_tax_id = 'TAX' || lpad((random() * 1000)::int::text, 6, '0'), field_confidence = '{"vendor": 0.4}'
where status = 'processing' and original_filename ~ '^r[0-9]*[13579]\.jpg$';
select (select count(*) from pgmq.q_receipt_ocr) as queued, (select count(*) from pgmq.q_receipt_ocr_dlq) as dead_letters,
       (select count(*) from public.receipts where status = 'needs_review') as reviewable;
analyze public.receipts;
analyze pgmq.q_receipt_ocr;

create function pg_temp.median_ms(p_sql text, p_calls int, p_role text)
returns numeric
language plpgsql
as $$
declare
  v_times numeric[] := '{}';
  v_start timestamptz;
  v_i int;
begin
  for v_i in 1..p_calls loop
    perform set_config('role', p_role, true);
    v_start := clock_timestamp();
    execute replace(p_sql, '$i', v_i::text);
    v_times := v_times || (extract(epoch from clock_timestamp() - v_start) * 1000)::numeric;
    perform set_config('role', 'none', true);
  end loop;
  return round((select percentile_cont(0.5) within group (order by t) from unnest(v_times) as t)::numeric, 2);
end;
$$;

-- the admin of organisation 1 asks (claims as PostgREST / the functions set them)
select set_config('request.jwt.claims', json_build_object('sub', owner_id, 'role', 'authenticated')::text, false),
       org_id as bench_org
from bench_orgs where n = 1 \gset
create temp table bench_targets as
select row_number() over (order by r.id) as i, r.id from public.receipts as r
where r.organisation_id = :'bench_org' and r.status = 'needs_review';
grant select on bench_targets to authenticated;

select 'overview' as measure, pg_temp.median_ms(format('select public.organisation_operations_overview(%L)', :'bench_org'), current_setting('bench.calls')::int, 'authenticated') as median_ms
union all
select 'queue slice: probe each message''s receipt (…500200)', pg_temp.median_ms(format($q$
  select count(*) filter (where q.vt <= now()), min(q.enqueued_at) from pgmq.q_receipt_ocr as q
  join public.receipts as r on r.id = (q.message ->> 'receipt_id')::uuid where r.organisation_id = %L$q$, :'bench_org'),
  current_setting('bench.calls')::int, 'none')
union all
select 'queue slice: its waiting receipts, then the index (…500400)', pg_temp.median_ms(format($q$
  select count(*) filter (where q.vt <= now()), min(q.enqueued_at) from pgmq.q_receipt_ocr as q
  where (q.message ->> 'receipt_id')::uuid = any (array(select r.id from public.receipts as r
    where r.organisation_id = %L and r.status in ('pending', 'processing')))$q$, :'bench_org'),
  current_setting('bench.calls')::int, 'none')
union all
select 'ops_metrics (platform-wide)', pg_temp.median_ms('select private.ops_metrics()', current_setting('bench.calls')::int, 'none')
union all
select 'correct (vendor + total)', pg_temp.median_ms(
  $q$select public.correct_receipt((select id from pg_temp.bench_targets where i = $i), '{"vendor": "Shop $i Ltd", "total": "12.34"}')$q$,
  current_setting('bench.calls')::int, 'authenticated')
union all
select 'bare update (same columns)', pg_temp.median_ms(
  $q$update public.receipts set vendor = 'Shop $i Ltd', total = 12.34 where id = (select id from pg_temp.bench_targets where i = $i + 60)$q$,
  current_setting('bench.calls')::int, 'none');
rollback;
