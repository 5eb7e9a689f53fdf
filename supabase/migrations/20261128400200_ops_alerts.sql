-- Alerts: rules evaluated by pg_cron every minute into private.alerts, one firing alert per rule
-- and subject (de-duplicated while firing, resolved when the condition clears), each change POSTed
-- through pg_net to the webhook URL in Vault (tallyq_alert_webhook_url) when one is configured.
-- Also keeps cron.job_run_details and private.metric_samples bounded.

-- ============================================================================
-- tables
-- ============================================================================
create table private.alert_rules (
  rule text primary key,
  severity text not null default 'warning',
  threshold numeric not null default 0,
  enabled boolean not null default true,
  description text not null,
  constraint rule_is_a_short_name check (rule ~ '^[a-z][a-z0-9_]{0,40}$'),
  constraint severity_is_known check (severity in ('warning', 'critical'))
);

comment on table private.alert_rules is
  'One row per rule; private.alert_rule_<rule>(threshold) returns the subjects currently breaching '
  'it. Operators tune threshold/enabled with an UPDATE.';

create table private.alerts (
  id bigint generated always as identity primary key,
  rule text not null references private.alert_rules (rule) on delete cascade,
  subject text not null default '',
  severity text not null,
  status text not null default 'firing',
  summary text not null,
  details jsonb not null default '{}',
  fired_at timestamptz not null default clock_timestamp(),
  last_seen_at timestamptz not null default clock_timestamp(),
  resolved_at timestamptz,
  constraint status_is_known check (status in ('firing', 'resolved')),
  constraint resolved_at_is_set_when_resolved check ((status = 'resolved') = (resolved_at is not null)),
  constraint resolved_at_is_after_fired_at check (resolved_at >= fired_at)
);

comment on table private.alerts is
  'Alert history: one firing row per (rule, subject) at a time; resolved rows are kept.';

-- ============================================================================
-- indexes
-- ============================================================================
-- de-duplication: at most one firing alert per rule and subject
create unique index alerts_one_firing_per_rule_subject_idx
  on private.alerts (rule, subject) where status = 'firing';
-- history browsing and the foreign key to alert_rules
create index alerts_rule_fired_at_idx on private.alerts (rule, fired_at desc);

-- ============================================================================
-- functions: rules (threshold in, breaching subjects out)
-- ============================================================================
create function private.alert_rule_queue_depth(p_threshold numeric)
returns table (subject text, summary text, details jsonb)
language sql
stable
set search_path = ''
as $$
  select q.name, format('Queue %s has %s messages waiting (threshold %s)', q.name, q.depth, p_threshold),
         jsonb_build_object('depth', q.depth, 'threshold', p_threshold)
  from (
    select 'receipt_ocr' as name, (select count(*) from pgmq.q_receipt_ocr as m where m.vt <= clock_timestamp()) as depth
    union all
    select 'webhook_events', (select count(*) from pgmq.q_webhook_events as m where m.vt <= clock_timestamp())
  ) as q
  where q.depth > p_threshold;
$$;

create function private.alert_rule_dead_letters(p_threshold numeric)
returns table (subject text, summary text, details jsonb)
language sql
stable
set search_path = ''
as $$
  select q.name, format('%s dead-lettered messages in %s', q.n, q.name), jsonb_build_object('count', q.n)
  from (
    select 'receipt_ocr_dlq' as name, (select count(*) from pgmq.q_receipt_ocr_dlq) as n
    union all
    select 'webhook_events_dlq', (select count(*) from pgmq.q_webhook_events_dlq)
  ) as q
  where q.n > p_threshold;
$$;

-- threshold: minutes a receipt may stay in processing
create function private.alert_rule_receipts_processing_too_long(p_threshold numeric)
returns table (subject text, summary text, details jsonb)
language sql
stable
set search_path = ''
as $$
  select '', format('%s receipts processing for more than %s minutes', count(*), p_threshold),
         jsonb_build_object('count', count(*), 'oldest_updated_at', min(r.updated_at))
  from public.receipts as r
  where r.status = 'processing' and r.updated_at < clock_timestamp() - make_interval(mins => p_threshold::integer)
  having count(*) > 0;
$$;

-- The ledger and audit rules look their dependencies up by name, so this file runs before (and
-- without) the ledger and the audit chain; once those exist, the rules watch them.
create function private.alert_rule_pendings_past_timeout(p_threshold numeric)
returns table (subject text, summary text, details jsonb)
language plpgsql
stable
set search_path = ''
as $$
declare
  v_table regclass := to_regclass('public.wallet_transactions');
  v_count bigint;
begin
  if v_table is null then return; end if;
  -- a pending transfer the expiry job should already have voided
  execute format($q$select count(*) from %s as t
    where t.kind = 'pending' and t.expires_at < clock_timestamp() - interval '1 minute'
      and t.status = 'pending'$q$, v_table) into v_count;
  if v_count > p_threshold then
    return query select ''::text, format('%s pending transfers past their timeout', v_count),
      jsonb_build_object('count', v_count);
  end if;
exception when undefined_column or undefined_table then
  return; -- the ledger's shape differs from what this rule knows: it stays silent, not broken
end;
$$;

create function private.alert_rule_reconciliation_discrepancies(p_threshold numeric)
returns table (subject text, summary text, details jsonb)
language plpgsql
stable
set search_path = ''
as $$
declare
  v_check regprocedure := to_regprocedure('private.wallet_ledger_violations()');
  v_count bigint;
begin
  if v_check is null then return; end if;
  execute format('select count(*) from %s()', v_check::regproc) into v_count;
  if v_count > p_threshold then
    return query select ''::text, format('%s ledger invariant violations', v_count),
      jsonb_build_object('count', v_count);
  end if;
end;
$$;

create function private.alert_rule_audit_chain_broken(p_threshold numeric)
returns table (subject text, summary text, details jsonb)
language plpgsql
stable
set search_path = ''
as $$
declare
  v_verify regprocedure := to_regprocedure('private.verify_audit_log(bigint)');
  v_problems jsonb;
begin
  if v_verify is null then return; end if;
  execute format('select jsonb_agg(to_jsonb(v)) from (select * from %s() limit 20) as v', v_verify::regproc)
    into v_problems;
  if jsonb_array_length(coalesce(v_problems, '[]')) > p_threshold then
    return query select ''::text, 'The audit log hash chain does not verify', jsonb_build_object('problems', v_problems);
  end if;
end;
$$;

-- ============================================================================
-- functions: evaluation and notification
-- ============================================================================
create function private.notify_alert(p_alert private.alerts)
returns bigint
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_url text;
begin
  select s.decrypted_secret into v_url
  from vault.decrypted_secrets as s where s.name = 'tallyq_alert_webhook_url';
  if v_url is null then
    return null; -- no webhook configured: the alerts table is the record
  end if;
  return net.http_post(
    url := v_url,
    body := jsonb_build_object(
      'id', p_alert.id, 'rule', p_alert.rule, 'subject', p_alert.subject,
      'severity', p_alert.severity, 'status', p_alert.status, 'summary', p_alert.summary,
      'details', p_alert.details, 'fired_at', p_alert.fired_at, 'resolved_at', p_alert.resolved_at,
      'text', format('[%s] %s: %s', upper(p_alert.status), p_alert.rule, p_alert.summary)),
    headers := jsonb_build_object('Content-Type', 'application/json'),
    timeout_milliseconds := 5000
  );
end;
$$;

comment on function private.notify_alert(private.alerts) is
  'POSTs one alert change to the Vault secret tallyq_alert_webhook_url (Slack-compatible "text" '
  'included); does nothing when the secret is absent.';

create function private.evaluate_alerts()
returns table (fired integer, resolved integer)
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_rule private.alert_rules;
  v_breaches jsonb := '[]'::jsonb;
  v_part jsonb;
  v_fired integer := 0;
  v_resolved integer := 0;
  v_alert private.alerts;
begin
  for v_rule in select * from private.alert_rules as r where r.enabled order by r.rule loop
    if to_regprocedure(format('private.alert_rule_%s(numeric)', v_rule.rule)) is null then
      raise warning 'alert rule % has no function private.alert_rule_%(numeric)', v_rule.rule, v_rule.rule;
      continue;
    end if;
    execute format(
      $q$select coalesce(jsonb_agg(jsonb_build_object('rule', %L, 'subject', b.subject,
        'severity', %L, 'summary', b.summary, 'details', b.details)), '[]') from private.%I($1) as b$q$,
      v_rule.rule, v_rule.severity, 'alert_rule_' || v_rule.rule)
      into v_part using v_rule.threshold;
    v_breaches := v_breaches || v_part;
  end loop;

  -- still firing: refresh what it says
  update private.alerts as a
  set last_seen_at = clock_timestamp(), summary = b.summary, details = b.details
  from jsonb_to_recordset(v_breaches) as b (rule text, subject text, severity text, summary text, details jsonb)
  where a.status = 'firing' and a.rule = b.rule and a.subject = b.subject;

  -- newly firing
  for v_alert in
    insert into private.alerts (rule, subject, severity, summary, details)
    select b.rule, b.subject, b.severity, b.summary, b.details
    from jsonb_to_recordset(v_breaches) as b (rule text, subject text, severity text, summary text, details jsonb)
    on conflict (rule, subject) where status = 'firing' do nothing
    returning *
  loop
    v_fired := v_fired + 1;
    perform private.notify_alert(v_alert);
  end loop;

  -- cleared (or the rule was disabled)
  for v_alert in
    update private.alerts as a
    set status = 'resolved', resolved_at = clock_timestamp()
    where a.status = 'firing'
      and not exists (
        select 1 from jsonb_to_recordset(v_breaches) as b (rule text, subject text)
        where b.rule = a.rule and b.subject = a.subject)
    returning a.*
  loop
    v_resolved := v_resolved + 1;
    perform private.notify_alert(v_alert);
  end loop;

  return query select v_fired, v_resolved;
end;
$$;

comment on function private.evaluate_alerts() is
  'Runs every enabled rule; opens an alert for each new breach, refreshes firing ones, resolves '
  'cleared ones, and notifies each change. pg_cron tallyq_evaluate_alerts, every minute.';

create function private.prune_operational_history(
  p_cron_keep interval default '7 days',
  p_samples_keep interval default '1 day'
)
returns table (cron_runs_deleted bigint, samples_deleted bigint)
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_cron bigint;
  v_samples bigint;
begin
  delete from cron.job_run_details as d where d.end_time < clock_timestamp() - p_cron_keep;
  get diagnostics v_cron = row_count;
  delete from private.metric_samples as s where s.recorded_at < clock_timestamp() - p_samples_keep;
  get diagnostics v_samples = row_count;
  return query select v_cron, v_samples;
end;
$$;

comment on function private.prune_operational_history(interval, interval) is
  'Keeps cron.job_run_details (one row per job run: ~2,000 a day here) and metric samples bounded. '
  'pg_cron tallyq_prune_operational_history, hourly.';

-- ============================================================================
-- rules (defaults; re-running keeps operators' tuning)
-- ============================================================================
insert into private.alert_rules (rule, severity, threshold, description) values
  ('queue_depth', 'warning', 1000, 'Messages waiting in a work queue above threshold'),
  ('dead_letters', 'critical', 0, 'Any message in a dead-letter queue'),
  ('receipts_processing_too_long', 'warning', 5, 'Receipts in processing longer than threshold minutes'),
  ('pendings_past_timeout', 'warning', 0, 'Pending ledger transfers not voided after their timeout'),
  ('reconciliation_discrepancies', 'critical', 0, 'Ledger invariant violations or reconciliation discrepancies'),
  ('audit_chain_broken', 'critical', 0, 'The audit log hash chain does not verify')
on conflict (rule) do nothing;

-- ============================================================================
-- cron (cron.schedule replaces a job of the same name: idempotent)
-- ============================================================================
select cron.schedule('tallyq_evaluate_alerts', '* * * * *', $$select private.evaluate_alerts()$$);
select cron.schedule('tallyq_prune_operational_history', '17 * * * *',
  $$select private.prune_operational_history()$$);

-- ============================================================================
-- grants
-- ============================================================================
revoke all on private.alert_rules, private.alerts from public, anon, authenticated;
grant select on private.alerts, private.alert_rules to service_role;
revoke all on function private.alert_rule_queue_depth(numeric) from public, anon, authenticated;
revoke all on function private.alert_rule_dead_letters(numeric) from public, anon, authenticated;
revoke all on function private.alert_rule_receipts_processing_too_long(numeric) from public, anon, authenticated;
revoke all on function private.alert_rule_pendings_past_timeout(numeric) from public, anon, authenticated;
revoke all on function private.alert_rule_reconciliation_discrepancies(numeric) from public, anon, authenticated;
revoke all on function private.alert_rule_audit_chain_broken(numeric) from public, anon, authenticated;
revoke all on function private.notify_alert(private.alerts) from public, anon, authenticated;
revoke all on function private.evaluate_alerts() from public, anon, authenticated;
revoke all on function private.prune_operational_history(interval, interval) from public, anon, authenticated;
grant execute on function private.evaluate_alerts() to service_role;
