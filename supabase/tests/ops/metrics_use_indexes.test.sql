-- ops_metrics at realistic row counts (50,000 receipts, 100,000 archived messages, 50,000
-- samples, most of them old): the function runs, and this transaction's own table statistics
-- (pg_stat_xact_user_tables) show no sequential scan of any big table - indexes only.
begin;
\ir ../00_helpers/tests_schema.psql
\ir ../receipts/fixtures.psql
select plan(6);
select tests.seed_tenancy() as acme_id \gset
select tests.isolate_receipt_pipeline(); -- a used database's receipts and messages do not count
delete from private.metric_samples;

set local session_replication_role = replica; -- bulk fixtures without the pipeline's triggers
insert into public.receipts (organisation_id, owner_id, storage_path, sha256, content_type, size_bytes,
  status, created_at, updated_at, processed_at)
select :'acme_id', tests.user_id('member'), format('%s/%s/%s.jpg', :'acme_id', tests.user_id('member'), i),
  encode(sha256(convert_to(i::text, 'UTF8')), 'hex'), 'image/jpeg', 1000,
  (array['ocr_done', 'needs_review', 'failed', 'pending'])[1 + i % 4]::public.receipt_status,
  now() - make_interval(mins => i), now() - make_interval(mins => i) + interval '20 seconds',
  -- one receipt settled just now (clock time: a slow run must not push it out of the minute)
  case when i = 1 then clock_timestamp() when i % 4 < 2 then now() - make_interval(mins => i) + interval '20 seconds' end
from generate_series(1, 50000) as i;
insert into pgmq.a_receipt_ocr (msg_id, read_ct, enqueued_at, archived_at, vt, message)
select i, 1, now() - make_interval(secs => i), now() - make_interval(secs => i), now(), '{}'
from generate_series(1, 100000) as i;
insert into private.metric_samples (metric, value, recorded_at)
select 'textract_ms', i % 900,
  case when i <= 400 then now() - make_interval(secs => i * 2) else now() - make_interval(days => 1, secs => i) end
from generate_series(1, 50000) as i;
set local session_replication_role = origin;
analyze public.receipts;
analyze pgmq.a_receipt_ocr;
analyze private.metric_samples;

create temp table seq_before on commit drop as
select relid::regclass::text as rel, seq_scan from pg_stat_xact_user_tables
where relid in ('public.receipts'::regclass, 'pgmq.a_receipt_ocr'::regclass, 'private.metric_samples'::regclass);

select lives_ok($$select private.ops_metrics()$$, 'ops_metrics runs over the large tables');
select is((private.ops_metrics() -> 'receipts' ->> 'processed_per_minute')::int, 1,
  'only receipts settled in the last minute count as processed per minute');
select is((private.ops_metrics() -> 'textract' -> 'latency_ms' ->> 'count')::int, 400,
  'textract percentiles read only the last 15 minutes of samples');

select is(
  (select s.seq_scan - b.seq_scan from pg_stat_xact_user_tables as s join seq_before as b on b.rel = s.relid::regclass::text
   where s.relid = 'public.receipts'::regclass), 0::bigint, 'receipts: no sequential scan');
select is(
  (select s.seq_scan - b.seq_scan from pg_stat_xact_user_tables as s join seq_before as b on b.rel = s.relid::regclass::text
   where s.relid = 'pgmq.a_receipt_ocr'::regclass), 0::bigint, 'archived messages: no sequential scan');
select is(
  (select s.seq_scan - b.seq_scan from pg_stat_xact_user_tables as s join seq_before as b on b.rel = s.relid::regclass::text
   where s.relid = 'private.metric_samples'::regclass), 0::bigint, 'metric samples: no sequential scan');

select * from finish();
rollback;
