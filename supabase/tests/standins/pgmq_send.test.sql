-- pgmq stand-in contract: send / send_batch return the new msg_ids and store the messages.
begin;
set local client_min_messages = warning;
create extension if not exists pgtap with schema extensions;
create extension if not exists pgmq;
select plan(7);

select pgmq.create('t_send');

select is(
  (select array_agg(id) from pgmq.send('t_send', '{"n": 1}') as id),
  array[1::bigint],
  'send returns the new msg_id'
);
select is(
  (select array_agg(id) from pgmq.send('t_send', '{"n": 2}', 0) as id),
  array[2::bigint],
  'send with an integer delay returns the next msg_id'
);
select is(
  (select array_agg(id) from pgmq.send_batch('t_send', array['{"n": 3}', '{"n": 4}']::jsonb[]) as id),
  array[3, 4]::bigint[],
  'send_batch returns one msg_id per message, in order'
);
select results_eq(
  'select msg_id, read_ct, message from pgmq.q_t_send order by msg_id',
  $$values (1::bigint, 0, '{"n": 1}'::jsonb), (2, 0, '{"n": 2}'), (3, 0, '{"n": 3}'), (4, 0, '{"n": 4}')$$,
  'messages are stored in pgmq.q_<queue> with read_ct 0'
);
select ok(
  (select bool_and(vt <= clock_timestamp() and enqueued_at <= clock_timestamp()) from pgmq.q_t_send),
  'messages sent without delay are visible at once'
);
select pgmq.send('t_send', '{"n": 5}', 60);
select ok(
  (select vt between clock_timestamp() + interval '59 seconds' and clock_timestamp() + interval '60 seconds'
   from pgmq.q_t_send where msg_id = 5),
  'send with delay 60 sets vt to clock_timestamp() + 60 seconds'
);
select throws_ok(
  $$select pgmq.send('no_such_queue', '{}')$$,
  '42P01',
  'relation "pgmq.q_no_such_queue" does not exist',
  'sending to a missing queue fails'
);

select * from finish();
rollback;
