-- pgmq 1.5.1 API as a pure-SQL local stand-in (tallyq). Same objects, signatures and semantics
-- as the real extension for non-partitioned queues; created by `create extension pgmq`.
\echo Use "CREATE EXTENSION pgmq" to load this file. \quit

-- ---------------------------------------------------------------- types & tables
create table pgmq.meta (
  queue_name varchar unique not null,
  is_partitioned boolean not null,
  is_unlogged boolean not null,
  created_at timestamp with time zone default now() not null
);

grant usage on schema pgmq to pg_monitor;
grant select on all tables in schema pgmq to pg_monitor;
grant select on all sequences in schema pgmq to pg_monitor;
alter default privileges in schema pgmq grant select on tables to pg_monitor;
alter default privileges in schema pgmq grant select on sequences to pg_monitor;

create type pgmq.message_record as (
  msg_id bigint,
  read_ct integer,
  enqueued_at timestamp with time zone,
  vt timestamp with time zone,
  message jsonb,
  headers jsonb
);

create type pgmq.queue_record as (
  queue_name varchar,
  is_partitioned boolean,
  is_unlogged boolean,
  created_at timestamp with time zone
);

create type pgmq.metrics_result as (
  queue_name text,
  queue_length bigint,
  newest_msg_age_sec int,
  oldest_msg_age_sec int,
  total_messages bigint,
  scrape_time timestamp with time zone,
  queue_visible_length bigint
);

-- ---------------------------------------------------------------- helpers
create function pgmq.format_table_name(queue_name text, prefix text)
returns text language plpgsql as $$
begin
  if queue_name ~ '\$|;|--|''' then
    raise exception 'queue name contains invalid characters: $, ;, --, or \''';
  end if;
  return lower(prefix || '_' || queue_name);
end;
$$;

create function pgmq.validate_queue_name(queue_name text)
returns void language plpgsql as $$
begin
  if length(queue_name) > 47 then
    raise exception 'queue name is too long, maximum length is 47 characters';
  end if;
end;
$$;

create function pgmq.acquire_queue_lock(queue_name text)
returns bigint language plpgsql as $$
declare
  v_lock_id bigint := hashtext('pgmq.queue_' || queue_name);
begin
  perform pg_advisory_lock(v_lock_id);
  return v_lock_id;
end;
$$;

create function pgmq._extension_exists(extension_name text)
returns boolean language sql as $$
  select exists (select 1 from pg_extension where extname = extension_name)
$$;

create function pgmq._belongs_to_pgmq(table_name text)
returns boolean language sql as $$
  select exists (
    select 1
    from pg_depend
    where refobjid = (select oid from pg_extension where extname = 'pgmq')
      and objid = (
        select c.oid from pg_class c
        join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'pgmq' and c.relname = table_name
      )
  )
$$;

create function pgmq._get_pg_partman_schema()
returns text language sql as $$
  select extnamespace::regnamespace::text from pg_extension where extname = 'pg_partman'
$$;

create function pgmq._ensure_pg_partman_installed()
returns void language plpgsql as $$
begin
  if pgmq._get_pg_partman_schema() is null then
    raise exception 'pg_partman is required for partitioned queues';
  end if;
end;
$$;

-- Queue and archive table DDL shared by create_non_partitioned and create_unlogged.
create function pgmq._create_queue_tables(queue_name text, unlogged boolean)
returns void language plpgsql as $$
declare
  v_qtable text := pgmq.format_table_name(queue_name, 'q');
  v_qtable_seq text := v_qtable || '_msg_id_seq';
  v_atable text := pgmq.format_table_name(queue_name, 'a');
  v_lock_id bigint;
begin
  perform pgmq.validate_queue_name(queue_name);
  v_lock_id := pgmq.acquire_queue_lock(queue_name);
  begin
    execute format(
      $q$
      create %s table if not exists pgmq.%I (
        msg_id bigint primary key generated always as identity,
        read_ct int default 0 not null,
        enqueued_at timestamp with time zone default now() not null,
        vt timestamp with time zone not null,
        message jsonb,
        headers jsonb
      )
      $q$,
      case when unlogged then 'unlogged' else '' end, v_qtable
    );
    execute format(
      $q$
      create table if not exists pgmq.%I (
        msg_id bigint primary key,
        read_ct int default 0 not null,
        enqueued_at timestamp with time zone default now() not null,
        archived_at timestamp with time zone default now() not null,
        vt timestamp with time zone not null,
        message jsonb,
        headers jsonb
      )
      $q$,
      v_atable
    );
    if pgmq._extension_exists('pgmq') then
      if not pgmq._belongs_to_pgmq(v_qtable) then
        execute format('alter extension pgmq add table pgmq.%I', v_qtable);
        execute format('alter extension pgmq add sequence pgmq.%I', v_qtable_seq);
      end if;
      if not pgmq._belongs_to_pgmq(v_atable) then
        execute format('alter extension pgmq add table pgmq.%I', v_atable);
      end if;
    end if;
    execute format('create index if not exists %I on pgmq.%I (vt asc)', v_qtable || '_vt_idx', v_qtable);
    execute format(
      'create index if not exists %I on pgmq.%I (archived_at)', 'archived_at_idx_' || queue_name, v_atable
    );
    execute format(
      $q$
      insert into pgmq.meta (queue_name, is_partitioned, is_unlogged)
      values (%L, false, %L) on conflict do nothing
      $q$,
      queue_name, unlogged
    );
    perform pg_advisory_unlock(v_lock_id);
  exception when others then
    perform pg_advisory_unlock(v_lock_id);
    raise;
  end;
end;
$$;

-- ---------------------------------------------------------------- queue lifecycle
create function pgmq.create_non_partitioned(queue_name text)
returns void language sql as $$
  select pgmq._create_queue_tables(queue_name, false)
$$;

create function pgmq.create_unlogged(queue_name text)
returns void language sql as $$
  select pgmq._create_queue_tables(queue_name, true)
$$;

create function pgmq.create_partitioned(
  queue_name text,
  partition_interval text default '10000',
  retention_interval text default '100000'
)
returns void language plpgsql as $$
begin
  perform pgmq.validate_queue_name(queue_name);
  perform pgmq._ensure_pg_partman_installed();
  raise exception 'partitioned queues are not supported by the local pgmq stand-in';
end;
$$;

create function pgmq."create"(queue_name text)
returns void language sql as $$
  select pgmq.create_non_partitioned(queue_name)
$$;

create function pgmq.drop_queue(queue_name text)
returns boolean language plpgsql as $$
declare
  v_qtable text := pgmq.format_table_name(queue_name, 'q');
  v_qtable_seq text := v_qtable || '_msg_id_seq';
  v_atable text := pgmq.format_table_name(queue_name, 'a');
  v_lock_id bigint;
begin
  v_lock_id := pgmq.acquire_queue_lock(queue_name);
  begin
    if not exists (
      select 1 from information_schema.tables
      where table_name = v_qtable and table_schema = 'pgmq'
    ) then
      raise notice 'pgmq queue `%` does not exist', queue_name;
      perform pg_advisory_unlock(v_lock_id);
      return false;
    end if;
    if pgmq._extension_exists('pgmq') then
      if pgmq._belongs_to_pgmq(v_qtable) then
        execute format('alter extension pgmq drop table pgmq.%I', v_qtable);
        execute format('alter extension pgmq drop sequence pgmq.%I', v_qtable_seq);
      end if;
      if pgmq._belongs_to_pgmq(v_atable) then
        execute format('alter extension pgmq drop table pgmq.%I', v_atable);
      end if;
    end if;
    execute format('drop table if exists pgmq.%I', v_qtable);
    execute format('drop table if exists pgmq.%I', v_atable);
    delete from pgmq.meta m where m.queue_name = drop_queue.queue_name;
    perform pg_advisory_unlock(v_lock_id);
  exception when others then
    perform pg_advisory_unlock(v_lock_id);
    raise;
  end;
  return true;
end;
$$;

create function pgmq.drop_queue(queue_name text, partitioned boolean)
returns boolean language plpgsql as $$
begin
  raise warning 'drop_queue(queue_name, partitioned) is deprecated and will be removed in PGMQ v2.0. Use drop_queue(queue_name) instead.';
  perform pgmq.drop_queue(queue_name);
  return true;
end;
$$;

create function pgmq.purge_queue(queue_name text)
returns bigint language plpgsql as $$
declare
  v_deleted_count integer;
  v_qtable text := pgmq.format_table_name(queue_name, 'q');
begin
  execute format('select count(*) from pgmq.%I', v_qtable) into v_deleted_count;
  execute format('truncate table pgmq.%I', v_qtable);
  return v_deleted_count;
end;
$$;

create function pgmq.detach_archive(queue_name text)
returns void language plpgsql as $$
begin
  execute format(
    'alter extension pgmq drop table pgmq.%I', pgmq.format_table_name(queue_name, 'a')
  );
end;
$$;

create function pgmq.list_queues()
returns setof pgmq.queue_record language sql as $$
  select queue_name, is_partitioned, is_unlogged, created_at from pgmq.meta
$$;

-- ---------------------------------------------------------------- send
create function pgmq.send(
  queue_name text, msg jsonb, headers jsonb, delay timestamp with time zone
)
returns setof bigint language plpgsql as $$
begin
  return query execute format(
    'insert into pgmq.%I (vt, message, headers) values ($2, $1, $3) returning msg_id',
    pgmq.format_table_name(queue_name, 'q')
  ) using msg, delay, headers;
end;
$$;

create function pgmq.send(queue_name text, msg jsonb)
returns setof bigint language sql as $$
  select * from pgmq.send(queue_name, msg, null, clock_timestamp())
$$;

create function pgmq.send(queue_name text, msg jsonb, headers jsonb)
returns setof bigint language sql as $$
  select * from pgmq.send(queue_name, msg, headers, clock_timestamp())
$$;

create function pgmq.send(queue_name text, msg jsonb, delay integer)
returns setof bigint language sql as $$
  select * from pgmq.send(queue_name, msg, null, clock_timestamp() + make_interval(secs => delay))
$$;

create function pgmq.send(queue_name text, msg jsonb, delay timestamp with time zone)
returns setof bigint language sql as $$
  select * from pgmq.send(queue_name, msg, null, delay)
$$;

create function pgmq.send(queue_name text, msg jsonb, headers jsonb, delay integer)
returns setof bigint language sql as $$
  select * from pgmq.send(queue_name, msg, headers, clock_timestamp() + make_interval(secs => delay))
$$;

create function pgmq.send_batch(
  queue_name text, msgs jsonb[], headers jsonb[], delay timestamp with time zone
)
returns setof bigint language plpgsql as $$
begin
  return query execute format(
    $q$
    insert into pgmq.%I (vt, message, headers)
    select $2, unnest($1), unnest(coalesce($3, array[]::jsonb[]))
    returning msg_id
    $q$,
    pgmq.format_table_name(queue_name, 'q')
  ) using msgs, delay, headers;
end;
$$;

create function pgmq.send_batch(queue_name text, msgs jsonb[])
returns setof bigint language sql as $$
  select * from pgmq.send_batch(queue_name, msgs, null, clock_timestamp())
$$;

create function pgmq.send_batch(queue_name text, msgs jsonb[], headers jsonb[])
returns setof bigint language sql as $$
  select * from pgmq.send_batch(queue_name, msgs, headers, clock_timestamp())
$$;

create function pgmq.send_batch(queue_name text, msgs jsonb[], delay integer)
returns setof bigint language sql as $$
  select * from pgmq.send_batch(
    queue_name, msgs, null, clock_timestamp() + make_interval(secs => delay)
  )
$$;

create function pgmq.send_batch(queue_name text, msgs jsonb[], delay timestamp with time zone)
returns setof bigint language sql as $$
  select * from pgmq.send_batch(queue_name, msgs, null, delay)
$$;

create function pgmq.send_batch(queue_name text, msgs jsonb[], headers jsonb[], delay integer)
returns setof bigint language sql as $$
  select * from pgmq.send_batch(
    queue_name, msgs, headers, clock_timestamp() + make_interval(secs => delay)
  )
$$;

-- ---------------------------------------------------------------- read / pop / set_vt
-- The one read statement: oldest visible messages, locked with SKIP LOCKED so concurrent
-- readers never receive the same message, hidden for `vt` seconds from clock_timestamp().
create function pgmq._read_sql(queue_name text, vt integer, conditional jsonb)
returns text language sql as $$
  select format(
    $q$
    with cte as (
      select msg_id
      from pgmq.%1$I
      where vt <= clock_timestamp()
        and case when %2$L != '{}'::jsonb then (message @> %2$L)::integer else 1 end = 1
      order by msg_id asc
      limit $1
      for update skip locked
    )
    update pgmq.%1$I m
    set vt = clock_timestamp() + %3$L, read_ct = read_ct + 1
    from cte
    where m.msg_id = cte.msg_id
    returning m.msg_id, m.read_ct, m.enqueued_at, m.vt, m.message, m.headers
    $q$,
    pgmq.format_table_name(queue_name, 'q'), coalesce(conditional, '{}'::jsonb),
    make_interval(secs => vt)
  )
$$;

create function pgmq.read(
  queue_name text, vt integer, qty integer, conditional jsonb default '{}'
)
returns setof pgmq.message_record language plpgsql as $$
begin
  return query execute pgmq._read_sql(queue_name, vt, conditional) using qty;
end;
$$;

create function pgmq.read_with_poll(
  queue_name text,
  vt integer,
  qty integer,
  max_poll_seconds integer default 5,
  poll_interval_ms integer default 100,
  conditional jsonb default '{}'
)
returns setof pgmq.message_record language plpgsql as $$
declare
  v_record pgmq.message_record;
  v_stop_at timestamp := clock_timestamp() + make_interval(secs => max_poll_seconds);
  v_sql text := pgmq._read_sql(queue_name, vt, conditional);
begin
  loop
    if clock_timestamp() >= v_stop_at then
      return;
    end if;
    for v_record in execute v_sql using qty loop
      return next v_record;
    end loop;
    if found then
      return;
    end if;
    perform pg_sleep(poll_interval_ms::numeric / 1000);
  end loop;
end;
$$;

create function pgmq.pop(queue_name text)
returns setof pgmq.message_record language plpgsql as $$
begin
  return query execute format(
    $q$
    with cte as (
      select msg_id from pgmq.%1$I
      where vt <= clock_timestamp()
      order by msg_id asc
      limit 1
      for update skip locked
    )
    delete from pgmq.%1$I
    where msg_id = (select msg_id from cte)
    returning *
    $q$,
    pgmq.format_table_name(queue_name, 'q')
  );
end;
$$;

create function pgmq.set_vt(queue_name text, msg_id bigint, vt integer)
returns setof pgmq.message_record language plpgsql as $$
begin
  return query execute format(
    'update pgmq.%I set vt = (clock_timestamp() + %L) where msg_id = %L returning *',
    pgmq.format_table_name(queue_name, 'q'), make_interval(secs => vt), msg_id
  );
end;
$$;

-- ---------------------------------------------------------------- delete / archive
create function pgmq.delete(queue_name text, msg_id bigint)
returns boolean language plpgsql as $$
declare
  v_result bigint;
begin
  execute format(
    'delete from pgmq.%I where msg_id = $1 returning msg_id', pgmq.format_table_name(queue_name, 'q')
  ) using msg_id into v_result;
  return v_result is not null;
end;
$$;

create function pgmq.delete(queue_name text, msg_ids bigint[])
returns setof bigint language plpgsql as $$
begin
  return query execute format(
    'delete from pgmq.%I where msg_id = any($1) returning msg_id',
    pgmq.format_table_name(queue_name, 'q')
  ) using msg_ids;
end;
$$;

create function pgmq._archive_sql(queue_name text, predicate text)
returns text language sql as $$
  select format(
    $q$
    with archived as (
      delete from pgmq.%I where %s
      returning msg_id, vt, read_ct, enqueued_at, message, headers
    )
    insert into pgmq.%I (msg_id, vt, read_ct, enqueued_at, message, headers)
    select msg_id, vt, read_ct, enqueued_at, message, headers from archived
    returning msg_id
    $q$,
    pgmq.format_table_name(queue_name, 'q'), predicate, pgmq.format_table_name(queue_name, 'a')
  )
$$;

create function pgmq.archive(queue_name text, msg_id bigint)
returns boolean language plpgsql as $$
declare
  v_result bigint;
begin
  execute pgmq._archive_sql(queue_name, 'msg_id = $1') using msg_id into v_result;
  return v_result is not null;
end;
$$;

create function pgmq.archive(queue_name text, msg_ids bigint[])
returns setof bigint language plpgsql as $$
begin
  return query execute pgmq._archive_sql(queue_name, 'msg_id = any($1)') using msg_ids;
end;
$$;

-- ---------------------------------------------------------------- metrics
create function pgmq.metrics(queue_name text)
returns pgmq.metrics_result language plpgsql as $$
declare
  v_result pgmq.metrics_result;
  v_qtable text := pgmq.format_table_name(queue_name, 'q');
begin
  execute format(
    $q$
    with q_summary as (
      select
        count(*) as queue_length,
        count(case when vt <= now() then 1 end) as queue_visible_length,
        extract(epoch from (now() - max(enqueued_at)))::int as newest_msg_age_sec,
        extract(epoch from (now() - min(enqueued_at)))::int as oldest_msg_age_sec,
        now() as scrape_time
      from pgmq.%I
    ),
    all_metrics as (
      select case when is_called then last_value else 0 end as total_messages
      from pgmq.%I
    )
    select %L, q.queue_length, q.newest_msg_age_sec, q.oldest_msg_age_sec,
      a.total_messages, q.scrape_time, q.queue_visible_length
    from q_summary q, all_metrics a
    $q$,
    v_qtable, v_qtable || '_msg_id_seq', queue_name
  ) into v_result;
  return v_result;
end;
$$;

create function pgmq.metrics_all()
returns setof pgmq.metrics_result language plpgsql as $$
declare
  v_queue record;
begin
  for v_queue in select queue_name from pgmq.meta loop
    return next pgmq.metrics(v_queue.queue_name);
  end loop;
end;
$$;
