-- pgmq stand-in contract: read hides a message for vt seconds (clock_timestamp based), increments
-- read_ct, returns oldest first, honours qty; set_vt changes visibility.
begin;
set local client_min_messages = warning;
create extension if not exists pgtap with schema extensions;
create extension if not exists pgmq;
select plan(10);

select pgmq.create('t_read');
select pgmq.send_batch('t_read', array['{"n": 1}', '{"n": 2}', '{"n": 3}']::jsonb[]);
select pgmq.send('t_read', '{"n": 4}', 3600);

select results_eq(
  $$select msg_id, read_ct, message from pgmq.read('t_read', 30, 2)$$,
  $$values (1::bigint, 1, '{"n": 1}'::jsonb), (2::bigint, 1, '{"n": 2}'::jsonb)$$,
  'read returns the oldest visible messages up to qty, with read_ct incremented'
);
select ok(
  (select bool_and(vt > now() + interval '30 seconds' and vt <= clock_timestamp() + interval '30 seconds')
   from pgmq.q_t_read where msg_id in (1, 2)),
  'a read message gets vt = clock_timestamp() (not now()) + vt seconds'
);
select results_eq(
  $$select msg_id from pgmq.read('t_read', 30, 10)$$,
  $$values (3::bigint)$$,
  'read messages and delayed messages stay hidden'
);
select is_empty(
  $$select * from pgmq.read('t_read', 30, 10)$$,
  'nothing is visible while every message is inside its visibility timeout'
);

-- time passes: move message 1 past its visibility timeout
update pgmq.q_t_read set vt = vt - interval '31 seconds' where msg_id = 1;
select results_eq(
  $$select msg_id, read_ct from pgmq.read('t_read', 30, 10)$$,
  $$values (1::bigint, 2)$$,
  'a message whose vt has passed is delivered again with read_ct 2'
);

select results_eq(
  $$select msg_id, read_ct from pgmq.set_vt('t_read', 2, 0)$$,
  $$values (2::bigint, 1)$$,
  'set_vt returns the message without touching read_ct'
);
select results_eq(
  $$select msg_id, read_ct from pgmq.read('t_read', 30, 10)$$,
  $$values (2::bigint, 2)$$,
  'set_vt to 0 makes a message visible again'
);
select ok(
  (select vt > now() + interval '3600 seconds' and vt <= clock_timestamp() + interval '3600 seconds'
   from pgmq.set_vt('t_read', 3, 3600)),
  'set_vt sets vt = clock_timestamp() (not now()) + vt seconds'
);
select is_empty(
  $$select * from pgmq.set_vt('t_read', 999, 10)$$,
  'set_vt on a missing message returns no row'
);
select results_eq(
  $$select msg_id from pgmq.read_with_poll('t_read', 30, 5, 1, 10)$$,
  $$select msg_id from pgmq.q_t_read where false$$,
  'read_with_poll returns nothing once max_poll_seconds pass without a visible message'
);

select * from finish();
rollback;
