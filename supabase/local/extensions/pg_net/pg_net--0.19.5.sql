-- pg_net 0.19.5 API as a pure-SQL local stand-in (tallyq). Same tables and public functions;
-- the C background worker is replaced by supabase/local/pg-net-worker.ts, woken by NOTIFY.
\echo Use "CREATE EXTENSION pg_net" to load this file. \quit

create schema if not exists net;

create domain net.http_method as text
check (value ilike 'get' or value ilike 'post' or value ilike 'delete');

-- ---------------------------------------------------------------- tables
-- Pending requests; the worker claims (deletes) them. API: private.
create unlogged table net.http_request_queue (
  id bigserial,
  method net.http_method not null,
  url text not null,
  headers jsonb,
  body bytea,
  timeout_milliseconds int not null
);

-- Responses, one per delivered request id. API: private.
create unlogged table net._http_response (
  id bigint,
  status_code integer,
  content_type text,
  headers jsonb,
  content text,
  timed_out bool,
  error_msg text,
  created timestamptz not null default now()
);

create index on net._http_response (created);

-- ---------------------------------------------------------------- worker wake-up
-- NOTIFY is delivered only when the inserting transaction commits, so the worker never sees
-- (and never sends) a request whose transaction rolled back - like pg_net's background worker.
create function net._notify_worker()
returns trigger language plpgsql as $$
begin
  perform pg_notify('pg_net_request_queue', '');
  return null;
end;
$$;

create trigger http_request_queue_notify_worker
after insert on net.http_request_queue
for each statement execute function net._notify_worker();

create function net.wake()
returns void language sql as $$
  select pg_notify('pg_net_request_queue', '')
$$;

create function net.worker_restart()
returns bool language sql as $$
  select pg_notify('pg_net_request_queue', '') is not null
$$;

create function net.check_worker_is_up()
returns void language plpgsql as $$
begin
  if not exists (select 1 from pg_stat_activity where application_name = 'pg_net worker') then
    raise exception using
      message = 'the pg_net background worker is not up',
      detail = 'the pg_net background worker is down due to an internal error and cannot process requests',
      hint = 'make sure that you didn''t modify any of pg_net internal tables';
  end if;
end;
$$;
comment on function net.check_worker_is_up() is 'raises an exception if the pg_net background worker is not up, otherwise it doesn''t return anything';

create function net.wait_until_running()
returns void language plpgsql as $$
begin
  while not exists (select 1 from pg_stat_activity where application_name = 'pg_net worker') loop
    perform pg_sleep(0.05);
  end loop;
end;
$$;
comment on function net.wait_until_running() is 'waits until the worker is running';

-- ---------------------------------------------------------------- url encoding (C in pg_net)
-- Percent-encodes every byte outside RFC 3986 unreserved characters (curl_easy_escape).
create function net._urlencode_string(string varchar)
returns text language sql immutable strict as $$
  select coalesce(string_agg(
    case
      when b between 48 and 57 or b between 65 and 90 or b between 97 and 122
        or b in (45, 46, 95, 126) then chr(b)
      else '%' || upper(lpad(to_hex(b), 2, '0'))
    end, '' order by i), '')
  from (
    select get_byte(bytes, i) as b, i
    from (select convert_to(string, 'UTF8') as bytes) s,
      generate_series(0, length(convert_to(string, 'UTF8')) - 1) as i
  ) t
$$;

create function net._encode_url_with_params_array(url text, params_array text[])
returns text language sql immutable as $$
  select case
    when params_array is null or cardinality(params_array) = 0 then url
    else url || case when strpos(url, '?') > 0 then '&' else '?' end
      || array_to_string(params_array, '&')
  end
$$;

-- ---------------------------------------------------------------- public API
create function net.http_get(
  -- url for the request
  url text,
  -- key/value pairs to be url encoded and appended to the `url`
  params jsonb default '{}'::jsonb,
  -- key/values to be included in request headers
  headers jsonb default '{}'::jsonb,
  -- the maximum number of milliseconds the request may take before being cancelled
  timeout_milliseconds int default 5000
)
returns bigint language plpgsql as $$
declare
  v_request_id bigint;
  v_params text[];
begin
  select coalesce(array_agg(net._urlencode_string(key) || '=' || net._urlencode_string(value)), '{}')
  into v_params
  from jsonb_each_text(params);

  insert into net.http_request_queue (method, url, headers, timeout_milliseconds)
  values ('GET', net._encode_url_with_params_array(url, v_params), headers, timeout_milliseconds)
  returning id into v_request_id;

  return v_request_id;
end;
$$;

create function net.http_post(
  -- url for the request
  url text,
  -- body of the POST request
  body jsonb default '{}'::jsonb,
  -- key/value pairs to be url encoded and appended to the `url`
  params jsonb default '{}'::jsonb,
  -- key/values to be included in request headers
  headers jsonb default '{"Content-Type": "application/json"}'::jsonb,
  -- the maximum number of milliseconds the request may take before being cancelled
  timeout_milliseconds int default 5000
)
returns bigint language plpgsql as $$
declare
  v_request_id bigint;
  v_params text[];
  v_content_type text;
begin
  select header_value into v_content_type
  from jsonb_each_text(coalesce(headers, '{}'::jsonb)) r(header_name, header_value)
  where lower(header_name) = 'content-type'
  limit 1;

  -- headers given without a content type get it added back
  if v_content_type is null then
    headers := headers || '{"Content-Type": "application/json"}'::jsonb;
  end if;

  if v_content_type <> 'application/json' then
    raise exception 'Content-Type header must be "application/json"';
  end if;

  select coalesce(array_agg(net._urlencode_string(key) || '=' || net._urlencode_string(value)), '{}')
  into v_params
  from jsonb_each_text(params);

  insert into net.http_request_queue (method, url, headers, body, timeout_milliseconds)
  values (
    'POST',
    net._encode_url_with_params_array(url, v_params),
    headers,
    convert_to(body::text, 'UTF8'),
    timeout_milliseconds
  )
  returning id into v_request_id;

  return v_request_id;
end;
$$;

create function net.http_delete(
  -- url for the request
  url text,
  -- key/value pairs to be url encoded and appended to the `url`
  params jsonb default '{}'::jsonb,
  -- key/values to be included in request headers
  headers jsonb default '{}'::jsonb,
  -- the maximum number of milliseconds the request may take before being cancelled
  timeout_milliseconds int default 5000,
  -- optional body of the request
  body jsonb default null
)
returns bigint language plpgsql as $$
declare
  v_request_id bigint;
  v_params text[];
begin
  select coalesce(array_agg(net._urlencode_string(key) || '=' || net._urlencode_string(value)), '{}')
  into v_params
  from jsonb_each_text(params);

  insert into net.http_request_queue (method, url, headers, body, timeout_milliseconds)
  values (
    'DELETE',
    net._encode_url_with_params_array(url, v_params),
    headers,
    convert_to(body::text, 'UTF8'),
    timeout_milliseconds
  )
  returning id into v_request_id;

  return v_request_id;
end;
$$;

-- ---------------------------------------------------------------- response collection (legacy)
create type net.request_status as enum ('PENDING', 'SUCCESS', 'ERROR');

create type net.http_response as (status_code integer, headers jsonb, body text);

create type net.http_response_result as (
  status net.request_status,
  message text,
  response net.http_response
);

create function net._await_response(request_id bigint)
returns bool language plpgsql as $$
begin
  while not exists (select 1 from net._http_response r where r.id = request_id) loop
    perform pg_sleep(0.05);
  end loop;
  return true;
end;
$$;

create function net._http_collect_response(request_id bigint, async bool default true)
returns net.http_response_result language plpgsql as $$
declare
  v_rec net._http_response;
begin
  if not async then
    perform net._await_response(request_id);
  end if;

  select * into v_rec from net._http_response r where r.id = request_id;

  if v_rec is null or v_rec.error_msg is not null then
    return (
      'ERROR', coalesce(v_rec.error_msg, 'request matching request_id not found'), null
    )::net.http_response_result;
  end if;

  return (
    'SUCCESS', 'ok', (v_rec.status_code, v_rec.headers, v_rec.content)::net.http_response
  )::net.http_response_result;
end;
$$;

create function net.http_collect_response(request_id bigint, async bool default true)
returns net.http_response_result language plpgsql as $$
begin
  raise notice 'The net.http_collect_response function is deprecated.';
  return net._http_collect_response(request_id, async);
end;
$$;

-- ---------------------------------------------------------------- grants (as pg_net)
grant usage on schema net to public;
grant all on all sequences in schema net to public;
grant all on all tables in schema net to public;
