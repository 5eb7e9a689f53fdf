-- pgmq stand-in contract: archive moves messages to pgmq.a_<queue>; delete removes them.
begin;
set local client_min_messages = warning;
create extension if not exists pgtap with schema extensions;
create extension if not exists pgmq;
select plan(9);

select pgmq.create('t_arch');
select pgmq.send_batch('t_arch', array['{"n": 1}', '{"n": 2}', '{"n": 3}', '{"n": 4}', '{"n": 5}']::jsonb[]);
select pgmq.read('t_arch', 30, 1);

select is(pgmq.archive('t_arch', 1::bigint), true, 'archive returns true for an existing message');
select results_eq(
  $$select msg_id, read_ct, message, archived_at <= clock_timestamp() from pgmq.a_t_arch$$,
  $$values (1::bigint, 1, '{"n": 1}'::jsonb, true)$$,
  'the archived message is in pgmq.a_<queue> with its read_ct and an archived_at'
);
select is_empty($$select 1 from pgmq.q_t_arch where msg_id = 1$$, 'the archived message left the queue');
select is(pgmq.archive('t_arch', 1::bigint), false, 'archive returns false for a missing message');
select results_eq(
  $$select * from pgmq.archive('t_arch', array[2, 3, 99]::bigint[]) order by 1$$,
  $$values (2::bigint), (3::bigint)$$,
  'archive of an array returns the ids it archived'
);
select is(pgmq.delete('t_arch', 4::bigint), true, 'delete returns true for an existing message');
select is(pgmq.delete('t_arch', 4::bigint), false, 'delete returns false for a missing message');
select results_eq(
  $$select * from pgmq.delete('t_arch', array[5, 98]::bigint[])$$,
  $$values (5::bigint)$$,
  'delete of an array returns the ids it deleted'
);
select results_eq(
  $$select (select count(*) from pgmq.q_t_arch), (select count(*) from pgmq.a_t_arch)$$,
  $$values (0::bigint, 3::bigint)$$,
  'deleted messages are not archived'
);

select * from finish();
rollback;
