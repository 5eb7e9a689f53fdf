-- pgmq stand-in contract: metrics / metrics_all report queue_length, visible length and totals.
begin;
set local client_min_messages = warning;
create extension if not exists pgtap with schema extensions;
create extension if not exists pgmq;
select plan(4);

select pgmq.create('t_metrics');
select pgmq.send_batch('t_metrics', array['{"n": 1}', '{"n": 2}', '{"n": 3}']::jsonb[]);
select pgmq.read('t_metrics', 30, 1);
select pgmq.archive('t_metrics', 2::bigint);
-- metrics counts visibility against now() (transaction start), as pgmq does: age message 3
update pgmq.q_t_metrics set vt = now() - interval '1 second' where msg_id = 3;

select results_eq(
  $$select queue_name, queue_length, total_messages, queue_visible_length from pgmq.metrics('t_metrics')$$,
  $$values ('t_metrics', 2::bigint, 3::bigint, 1::bigint)$$,
  'metrics counts messages in the queue, all messages ever sent, and visible ones'
);
select ok(
  (select oldest_msg_age_sec >= 0 and newest_msg_age_sec >= 0 and scrape_time = now()
   from pgmq.metrics('t_metrics')),
  'metrics reports message ages and the scrape time'
);
select results_eq(
  $$select queue_name, queue_length from pgmq.metrics_all() where queue_name = 't_metrics'$$,
  $$values ('t_metrics', 2::bigint)$$,
  'metrics_all includes every queue'
);
select pgmq.create('t_metrics_empty');
select results_eq(
  $$select queue_length, total_messages, oldest_msg_age_sec from pgmq.metrics('t_metrics_empty')$$,
  $$values (0::bigint, 0::bigint, null::int)$$,
  'an unused queue has zero length and zero total'
);

select * from finish();
rollback;
