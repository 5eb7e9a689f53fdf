-- Operations metrics: short-lived samples the functions record (Textract call latency) and one
-- function that computes every metric the ops endpoint serves, with index-bounded queries only.
-- Called by the ops edge function (service role); pruned by pg_cron (20261128400200_ops_alerts.sql).

-- ============================================================================
-- tables
-- ============================================================================
create table private.metric_samples (
  id bigint generated always as identity primary key,
  metric text not null,
  value double precision not null,
  recorded_at timestamptz not null default clock_timestamp(),
  constraint metric_is_a_short_name check (metric ~ '^[a-z][a-z0-9_]{0,62}$')
);

comment on table private.metric_samples is
  'Raw observations (e.g. textract_ms per call) for percentiles over recent minutes. Kept one day.';

-- ============================================================================
-- indexes
-- ============================================================================
-- percentiles read one metric over a recent window
create index metric_samples_metric_recorded_at_idx
  on private.metric_samples (metric, recorded_at);
-- receipts settled recently (metrics) or long ago (image retention, 20261128400300)
create index receipts_processed_at_idx on public.receipts (processed_at)
  where processed_at is not null;

-- ============================================================================
-- functions
-- ============================================================================
create function private.record_metric_samples(p_metric text, p_values double precision[])
returns integer
language sql
security definer
set search_path = ''
as $$
  with inserted as (
    insert into private.metric_samples (metric, value)
    select p_metric, v from unnest(p_values) as v where v is not null
    returning 1
  )
  select count(*)::integer from inserted;
$$;

comment on function private.record_metric_samples(text, double precision[]) is
  'Records a batch of observations of one metric in one statement (functions flush once per request).';

create function private._queue_metrics(p_queue text)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_result jsonb;
begin
  -- queue tables hold live messages only (archived ones move to a_<queue>), so they stay small;
  -- the vt index answers pending/in-flight and the msg_id order gives the oldest message. Times
  -- are parameters ($1, $2), not clock_timestamp() inline, so the planner can use the indexes.
  execute format($q$
    select jsonb_build_object(
      'depth', (select count(*) from pgmq.%1$I as q where q.vt <= $1),
      'in_flight', (select count(*) from pgmq.%1$I as q where q.vt > $1),
      'oldest_message_age_seconds', coalesce((
        select extract(epoch from $1 - q.enqueued_at)::integer
        from pgmq.%1$I as q order by q.msg_id limit 1), 0),
      'dead_lettered', (select count(*) from pgmq.%2$I),
      'dead_lettered_per_minute', (select count(*) from pgmq.%2$I as d where d.enqueued_at > $2),
      'processed_per_minute', (select count(*) from pgmq.%3$I as a where a.archived_at > $2)
    )$q$, 'q_' || p_queue, 'q_' || p_queue || '_dlq', 'a_' || p_queue)
  into v_result
  using clock_timestamp(), clock_timestamp() - interval '1 minute';
  return v_result;
end;
$$;

comment on function private._queue_metrics(text) is
  'Depth, in flight, oldest message age, dead letters and archived-per-minute of one pgmq queue.';

create function private._percentiles(p_values double precision[])
returns jsonb
language sql
immutable
set search_path = ''
as $$
  select jsonb_build_object(
    'count', coalesce(array_length(p_values, 1), 0),
    'p50', (select round(percentile_cont(0.5) within group (order by v)::numeric, 1) from unnest(p_values) as v),
    'p95', (select round(percentile_cont(0.95) within group (order by v)::numeric, 1) from unnest(p_values) as v)
  );
$$;

create function private.ops_metrics(p_window interval default '15 minutes')
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_since timestamptz := clock_timestamp() - p_window;
  v_minute timestamptz := clock_timestamp() - interval '1 minute';
begin
  return jsonb_build_object(
    'generated_at', clock_timestamp(),
    'window_seconds', extract(epoch from p_window)::integer,
    'queues', jsonb_build_object(
      'receipt_ocr', private._queue_metrics('receipt_ocr'),
      'webhook_events', private._queue_metrics('webhook_events')
    ),
    'receipts', jsonb_build_object(
      'processed_per_minute', (
        select count(*) from public.receipts as r where r.processed_at > v_minute),
      -- failed for good: dead-lettered (queues.receipt_ocr.dead_lettered_per_minute)
      'failed_per_minute', (
        select count(*) from pgmq.q_receipt_ocr_dlq as d where d.enqueued_at > v_minute),
      'processing', (select count(*) from public.receipts as r where r.status = 'processing'),
      -- upload to result, for receipts settled in the window
      'settle_seconds', private._percentiles(array(
        select extract(epoch from r.processed_at - r.created_at)::double precision
        from public.receipts as r where r.processed_at > v_since))
    ),
    'textract', jsonb_build_object(
      'latency_ms', private._percentiles(array(
        select s.value from private.metric_samples as s
        where s.metric = 'textract_ms' and s.recorded_at > v_since))
    )
  );
end;
$$;

comment on function private.ops_metrics(interval) is
  'Every database-side operations metric as one JSON document, for GET /functions/v1/ops/metrics. '
  'Each query is bounded by an index (see supabase/tests/ops/metrics_use_indexes.test.sql).';

-- ============================================================================
-- grants
-- ============================================================================
revoke all on private.metric_samples from public, anon, authenticated;
revoke all on function private.record_metric_samples(text, double precision[]) from public, anon, authenticated;
revoke all on function private._queue_metrics(text) from public, anon, authenticated;
revoke all on function private._percentiles(double precision[]) from public, anon, authenticated;
revoke all on function private.ops_metrics(interval) from public, anon, authenticated;
grant execute on function private.record_metric_samples(text, double precision[]) to service_role;
grant execute on function private.ops_metrics(interval) to service_role;
