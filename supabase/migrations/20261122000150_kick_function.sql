-- private.kick_function: the one way the database wakes a queue-draining edge function (pg_net
-- POST with the shared worker secret from Vault). Called by the enqueue triggers and the cron
-- sweeps of every queue (receipts, webhooks, ...).

create extension if not exists pg_net with schema extensions;
create extension if not exists supabase_vault;

-- ============================================================================
-- functions
-- ============================================================================
create function private.kick_function(p_name text, p_reason text)
returns bigint
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_url text;
  v_secret text;
begin
  if p_name is null or p_name !~ '^[a-z0-9][a-z0-9-]{0,62}$' then
    raise exception 'kick_function: invalid function name %', p_name using errcode = '22023';
  end if;
  select s.decrypted_secret into v_url
  from vault.decrypted_secrets as s where s.name = 'tallyq_functions_url';
  select s.decrypted_secret into v_secret
  from vault.decrypted_secrets as s where s.name = 'tallyq_worker_secret';
  if v_url is null or v_secret is null then
    raise warning '% not kicked: vault secrets tallyq_functions_url/tallyq_worker_secret are missing', p_name;
    return null;
  end if;
  -- pg_net sends after commit, so the function never looks before the message is visible.
  return net.http_post(
    url := v_url || '/' || p_name,
    body := jsonb_build_object('reason', p_reason),
    headers := jsonb_build_object(
      'Content-Type', 'application/json',
      'Authorization', 'Bearer ' || v_secret
    ),
    timeout_milliseconds := 5000
  );
end;
$$;

comment on function private.kick_function(text, text) is
  'Asks the edge function p_name (a queue processor authenticated with the shared worker secret) '
  'to drain its queue: pg_net POST to <tallyq_functions_url>/<p_name> with the Vault secret.';

-- ============================================================================
-- grants
-- ============================================================================
revoke all on function private.kick_function(text, text) from public, anon, authenticated;
