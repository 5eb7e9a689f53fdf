-- prune_operational_history keeps cron.job_run_details and metric samples bounded, and the cron
-- jobs that evaluate alerts and prune are scheduled.
begin;
\ir ../00_helpers/tests_schema.psql
select plan(4);

insert into cron.job_run_details (jobid, runid, job_pid, database, username, command, status, return_message, start_time, end_time)
select 1, 900000000 + i, 1, 'postgres', 'postgres', 'select 1', 'succeeded', '1 row',
  now() - make_interval(days => i, hours => 12), now() - make_interval(days => i, hours => 12)
from generate_series(1, 10) as i;
insert into private.metric_samples (metric, value, recorded_at)
values ('textract_ms', 1, now() - interval '2 days'), ('textract_ms', 2, now() - interval '1 hour');

select results_eq('select * from private.prune_operational_history()',
  $$values (4::bigint, 1::bigint)$$,
  'cron runs older than 7 days and samples older than a day are deleted');
select is((select count(*) from cron.job_run_details where runid > 900000000), 6::bigint, 'the last week of runs is kept');
select is((select count(*) from private.metric_samples where metric = 'textract_ms' and value = 2), 1::bigint, 'recent samples are kept');
select is(array(select jobname::text from cron.job where jobname in ('tallyq_evaluate_alerts', 'tallyq_prune_operational_history') order by jobname),
  array['tallyq_evaluate_alerts', 'tallyq_prune_operational_history'], 'both jobs are scheduled');

select * from finish();
rollback;
