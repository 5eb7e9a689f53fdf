-- pg_net stand-in contract: http_post / http_get / http_delete enqueue a request row with the real
-- defaults and return its id; nothing is sent before commit (the worker is woken by NOTIFY).
begin;
set local client_min_messages = warning;
create extension if not exists pgtap with schema extensions;
create extension if not exists pg_net;
select plan(9);

select has_function(
  'net', 'http_post', array['text', 'jsonb', 'jsonb', 'jsonb', 'integer'],
  'net.http_post(url, body, params, headers, timeout_milliseconds) exists'
);

create temp table t_ids as
select
  net.http_post('http://127.0.0.1:9/hook', '{"receipt_id": 7}') as post_id,
  net.http_post(
    url := 'http://127.0.0.1:9/hook',
    body := '{"a": 1}',
    params := '{"q": "a b"}',
    headers := '{"Authorization": "Bearer t"}',
    timeout_milliseconds := 1500
  ) as post_custom_id,
  net.http_get('http://127.0.0.1:9/status', '{"x": "1"}') as get_id,
  net.http_delete('http://127.0.0.1:9/thing') as delete_id;

select is(
  (select jsonb_build_object('method', method, 'url', url, 'headers', headers,
     'body', convert_from(body, 'UTF8')::jsonb, 'timeout', timeout_milliseconds)
   from net.http_request_queue where id = (select post_id from t_ids)),
  jsonb_build_object('method', 'POST', 'url', 'http://127.0.0.1:9/hook',
    'headers', '{"Content-Type": "application/json"}'::jsonb, 'body', '{"receipt_id": 7}'::jsonb,
    'timeout', 5000),
  'http_post enqueues a POST with a JSON body, the JSON content type and a 5000 ms timeout'
);
select is(
  (select jsonb_build_object('url', url, 'headers', headers,
     'body', convert_from(body, 'UTF8')::jsonb, 'timeout', timeout_milliseconds)
   from net.http_request_queue where id = (select post_custom_id from t_ids)),
  jsonb_build_object('url', 'http://127.0.0.1:9/hook?q=a%20b',
    'headers', '{"Authorization": "Bearer t", "Content-Type": "application/json"}'::jsonb,
    'body', '{"a": 1}'::jsonb, 'timeout', 1500),
  'http_post url-encodes params, keeps custom headers and adds the content type'
);
select is(
  (select jsonb_build_object('method', method, 'url', url, 'headers', headers, 'body', body)
   from net.http_request_queue where id = (select get_id from t_ids)),
  jsonb_build_object('method', 'GET', 'url', 'http://127.0.0.1:9/status?x=1', 'headers', '{}'::jsonb,
    'body', null),
  'http_get enqueues a GET without a body'
);
select is(
  (select method::text from net.http_request_queue where id = (select delete_id from t_ids)),
  'DELETE',
  'http_delete enqueues a DELETE'
);
select ok(
  (select post_id < post_custom_id and post_custom_id < get_id from t_ids),
  'request ids increase'
);
select throws_ok(
  $$select net.http_post('http://127.0.0.1:9/x', '{}', '{}', '{"Content-Type": "text/plain"}')$$,
  'P0001',
  'Content-Type header must be "application/json"',
  'http_post refuses a non-JSON content type'
);
select is_empty(
  $$select 1 from net._http_response where id in (select post_id from t_ids)$$,
  'no response exists before the request is delivered'
);
select has_trigger(
  'net', 'http_request_queue', 'http_request_queue_notify_worker',
  'inserting a request notifies the worker (at commit)'
);

select * from finish();
rollback;
