-- Correlation ids through the queue: the receipts API sets tallyq.correlation_id in the inserting
-- transaction (db/client.ts); the enqueue trigger copies it into each OCR message and the
-- 'uploaded' event, so one id links the request, the queue message, the worker's work on that
-- receipt and the audit rows written with it. Same function as 20261122000230 otherwise.

-- ============================================================================
-- functions
-- ============================================================================
create or replace function private.enqueue_new_receipts()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  -- '' outside a request (tests, operators): no key at all
  v_correlation jsonb := coalesce(
    jsonb_build_object('correlation_id', nullif(current_setting('tallyq.correlation_id', true), '')),
    '{}');
begin
  v_correlation := jsonb_strip_nulls(v_correlation);
  -- One statement, however many rows: one batched send, one event insert, one kick.
  perform pgmq.send_batch(
    'receipt_ocr',
    (select array_agg(jsonb_build_object('receipt_id', n.id) || v_correlation order by n.created_at)
     from new_receipts as n)
  )
  where exists (select 1 from new_receipts);

  insert into public.receipt_events (receipt_id, organisation_id, event_type, to_status, metadata)
  select n.id, n.organisation_id, 'uploaded', n.status,
         jsonb_build_object('sha256', n.sha256, 'content_type', n.content_type, 'size_bytes', n.size_bytes)
           || v_correlation
  from new_receipts as n;

  if exists (select 1 from new_receipts) then
    perform private.kick_function('receipt-worker', 'enqueue');
  end if;
  return null;
end;
$$;

comment on function private.enqueue_new_receipts() is
  'after insert on receipts (per statement): enqueue on receipt_ocr (with the request''s '
  'tallyq.correlation_id), record uploaded events, kick the worker - all in the inserting '
  'transaction, so a receipt is never stored without its message.';
