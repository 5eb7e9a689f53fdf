-- Scheduled work for webhook processing (pg_cron; job names tallyq_<job>). cron.schedule with an
-- existing job name replaces it, so re-running this file changes nothing.

create extension if not exists pg_cron;

-- Sweep: retries wait out their backoff as invisible messages; nothing kicks the processor when
-- they reappear, so look every minute while the queue is not empty.
select cron.schedule('tallyq_webhook_sweep', '* * * * *',
  $$select private.kick_function('webhook-processor', 'cron') where exists (select 1 from pgmq.q_webhook_events)$$);
