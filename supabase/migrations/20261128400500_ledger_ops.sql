-- Ledger operations: transfers per minute and reconciliation discrepancies in the ops metrics, and
-- the ledger's alert rules in the ledger's own shape (pendings resolved by post/void/expire rows,
-- discrepancies recorded by the daily reconciliation in public.wallet_discrepancies). Everything
-- here looks the ledger up by name, so it applies whether or not the ledger is installed yet.

-- ============================================================================
-- indexes (the metric and alert queries read recent rows only)
-- ============================================================================
do $$
begin
  if to_regclass('public.wallet_transactions') is not null then
    create index if not exists wallet_transactions_created_at_idx
      on public.wallet_transactions (created_at);
    create index if not exists wallet_transactions_pending_expires_at_idx
      on public.wallet_transactions (expires_at) where kind = 'pending';
  end if;
  if to_regclass('public.wallet_discrepancies') is not null then
    create index if not exists wallet_discrepancies_found_at_idx
      on public.wallet_discrepancies (found_at);
  end if;
end;
$$;

-- ============================================================================
-- functions
-- ============================================================================
create function private._ledger_metrics(p_since timestamptz)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_transactions regclass := to_regclass('public.wallet_transactions');
  v_discrepancies regclass := to_regclass('public.wallet_discrepancies');
  v_transfers bigint;
  v_open bigint := 0;
begin
  if v_transactions is null then
    return null; -- no ledger in this database
  end if;
  execute format('select count(*) from %s as t where t.created_at > $1', v_transactions)
    into v_transfers using p_since;
  if v_discrepancies is not null then
    -- what the latest daily reconciliation found (it runs once a day)
    execute format('select count(*) from %s as d where d.found_at > $1', v_discrepancies)
      into v_open using clock_timestamp() - interval '25 hours';
  end if;
  return jsonb_build_object('transfers_per_minute', v_transfers, 'reconciliation_discrepancies', v_open);
end;
$$;

comment on function private._ledger_metrics(timestamptz) is
  'Ledger transactions since p_since and discrepancies found by the last reconciliation; null '
  'without a ledger.';

create or replace function private.ops_metrics(p_window interval default '15 minutes')
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
    ),
    'ledger', private._ledger_metrics(v_minute)
  );
end;
$$;

create or replace function private.alert_rule_pendings_past_timeout(p_threshold numeric)
returns table (subject text, summary text, details jsonb)
language plpgsql
stable
set search_path = ''
as $$
declare
  v_table regclass := to_regclass('public.wallet_transactions');
  v_count bigint;
begin
  if v_table is null then return; end if;
  -- a pending transfer with no post, void or expiry a minute after its timeout: the expiry job
  -- is not doing its work
  execute format($q$select count(*) from %1$s as t
    where t.kind = 'pending' and t.expires_at < clock_timestamp() - interval '1 minute'
      and not exists (select 1 from %1$s as r where r.pending_id = t.id)$q$, v_table) into v_count;
  if v_count > p_threshold then
    return query select ''::text, format('%s pending transfers past their timeout', v_count),
      jsonb_build_object('count', v_count);
  end if;
end;
$$;

create or replace function private.alert_rule_reconciliation_discrepancies(p_threshold numeric)
returns table (subject text, summary text, details jsonb)
language plpgsql
stable
set search_path = ''
as $$
declare
  v_found jsonb := private._ledger_metrics(clock_timestamp());
  v_count bigint := coalesce((v_found ->> 'reconciliation_discrepancies')::bigint, 0);
begin
  if v_count > p_threshold then
    return query select ''::text, format('The last reconciliation found %s discrepancies', v_count),
      jsonb_build_object('count', v_count);
  end if;
end;
$$;

-- ============================================================================
-- grants
-- ============================================================================
revoke all on function private._ledger_metrics(timestamptz) from public, anon, authenticated;
