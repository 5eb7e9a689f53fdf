-- Scheduled work for the receipt pipeline (pg_cron; job names tallyq_<job>). cron.schedule with an
-- existing job name replaces it, so re-running this file changes nothing.

create extension if not exists pg_cron;

-- Sweep: kick the worker every minute so nothing waits on a lost trigger kick.
-- (Hosted pg_cron 1.6 could run this every '10 seconds'; 1.4 has minute granularity.)
select cron.schedule('tallyq_receipt_sweep', '* * * * *',
  $$select private.kick_function('receipt-worker', 'cron') where exists (select 1 from pgmq.q_receipt_ocr)$$);

select cron.schedule('tallyq_recover_stuck_receipts', '*/5 * * * *',
  $$select public.recover_stuck_receipts('15 minutes')$$);
