-- pgmq stand-in contract: pop reads-and-deletes, purge_queue empties, drop_queue removes a queue;
-- create is idempotent and registers the queue in pgmq.meta.
begin;
set local client_min_messages = warning;
create extension if not exists pgtap with schema extensions;
create extension if not exists pgmq;
select plan(10);

select pgmq.create('t_pop');
select pgmq.create('t_pop');
select results_eq(
  $$select queue_name::text, is_partitioned, is_unlogged from pgmq.list_queues() where queue_name = 't_pop'$$,
  $$values ('t_pop', false, false)$$,
  'create is idempotent and lists the queue once'
);
select has_table('pgmq', 'q_t_pop', 'create makes pgmq.q_<queue>');
select has_table('pgmq', 'a_t_pop', 'create makes pgmq.a_<queue>');

select pgmq.send_batch('t_pop', array['{"n": 1}', '{"n": 2}', '{"n": 3}']::jsonb[]);
select pgmq.send('t_pop', '{"n": 4}', 3600);
select results_eq(
  $$select msg_id, message from pgmq.pop('t_pop')$$,
  $$values (1::bigint, '{"n": 1}'::jsonb)$$,
  'pop returns the oldest visible message'
);
select is_empty($$select 1 from pgmq.q_t_pop where msg_id = 1$$, 'pop deletes the message');
select is(pgmq.purge_queue('t_pop'), 3::bigint, 'purge_queue returns the number of purged messages');
select is_empty($$select 1 from pgmq.q_t_pop$$, 'purge_queue empties the queue');

select is(pgmq.drop_queue('t_pop'), true, 'drop_queue returns true');
select hasnt_table('pgmq', 'q_t_pop', 'drop_queue removes the queue table');
select is_empty(
  $$select 1 from pgmq.meta where queue_name = 't_pop'$$, 'drop_queue removes the queue from pgmq.meta'
);

select * from finish();
rollback;
