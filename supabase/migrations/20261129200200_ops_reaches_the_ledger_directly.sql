-- Operations SQL names the ledger and the audit chain directly. 20261128400200/400500/400600 looked
-- them up by name (to_regclass / to_regprocedure + dynamic SQL) while the ledger lived on another
-- branch; both are deployed now, so a missing table is an error at migration time, not silence.
-- Same behaviour otherwise; called by ops_metrics, evaluate_alerts (pg_cron) and erase_user.

-- ============================================================================
-- functions: metrics and alert rules
-- ============================================================================
create or replace function private._ledger_metrics(p_since timestamptz)
returns jsonb
language sql
stable
security definer
set search_path = ''
as $$
  select jsonb_build_object(
    'transfers_per_minute',
    (select count(*) from public.wallet_transactions as t where t.created_at > p_since),
    -- what the latest daily reconciliation found (it runs once a day)
    'reconciliation_discrepancies',
    (select count(*) from public.wallet_discrepancies as d
     where d.found_at > clock_timestamp() - interval '25 hours'))
$$;

comment on function private._ledger_metrics(timestamptz) is
  'Ledger transactions since p_since and discrepancies found by the last reconciliation.';

create or replace function private.alert_rule_pendings_past_timeout(p_threshold numeric)
returns table (subject text, summary text, details jsonb)
language sql
stable
set search_path = ''
as $$
  -- a pending transfer with no post, void or expiry a minute after its timeout: the expiry job
  -- is not doing its work
  select ''::text, format('%s pending transfers past their timeout', p.n), jsonb_build_object('count', p.n)
  from (
    select count(*) as n from public.wallet_transactions as t
    where t.kind = 'pending' and t.expires_at < clock_timestamp() - interval '1 minute'
      and not exists (select 1 from public.wallet_transactions as r where r.pending_id = t.id)
  ) as p
  where p.n > p_threshold
$$;

create or replace function private.alert_rule_audit_chain_broken(p_threshold numeric)
returns table (subject text, summary text, details jsonb)
language sql
stable
set search_path = ''
as $$
  select ''::text, 'The audit log hash chain does not verify', jsonb_build_object('problems', v.problems)
  from (
    select jsonb_agg(to_jsonb(p)) as problems
    from (select * from private.verify_audit_log() limit 20) as p
  ) as v
  where jsonb_array_length(coalesce(v.problems, '[]')) > p_threshold
$$;

-- ============================================================================
-- functions: erasure
-- ============================================================================
create or replace function private._erase_person(p_user_id uuid)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  -- auth.identities is GoTrue's (hosted); the local auth stand-in may not have it
  v_identities regclass := to_regclass('auth.identities');
  v_has_accounts boolean;
  v_n bigint;
  v_counts jsonb := '{}'::jsonb;
begin
  select exists (
    select 1 from public.wallet_accounts as a
    where a.user_id = p_user_id
       or a.organisation_id in (
         select o.id from public.organisations as o where o.personal and o.created_by = p_user_id))
  into v_has_accounts;

  if not v_has_accounts then
    delete from public.organisations as o where o.personal and o.created_by = p_user_id;
    get diagnostics v_n = row_count;
    v_counts := v_counts || jsonb_build_object('personal_organisations', v_n);
    delete from auth.users as u where u.id = p_user_id;
    get diagnostics v_n = row_count;
    return v_counts || jsonb_build_object('users', v_n);
  end if;

  -- financial records stay: the person becomes an anonymous key
  update public.organisations as o set name = 'Erased person'
  where o.personal and o.created_by = p_user_id;
  delete from public.memberships as m
  where m.user_id = p_user_id
    and m.organisation_id not in (select o.id from public.organisations as o where o.personal and o.created_by = p_user_id);
  if v_identities is not null then
    execute format('delete from %s as i where i.user_id = $1', v_identities) using p_user_id;
  end if;
  update auth.users as u
  set email = null, phone = null, raw_user_meta_data = '{}'::jsonb, raw_app_meta_data = '{}'::jsonb
  where u.id = p_user_id;
  get diagnostics v_n = row_count;
  return v_counts || jsonb_build_object('users', v_n, 'personal_organisations', 0, 'kept_for_ledger', true);
end;
$$;

create or replace function private.erase_user(p_user_id uuid)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_receipts uuid[];
  v_counts jsonb := '{}'::jsonb;
  v_n bigint;
  v_queue text;
begin
  if p_user_id is null then
    raise exception 'erase_user: a user id is required' using errcode = '22004';
  end if;
  -- one erasure of a person at a time
  perform pg_advisory_xact_lock(hashtextextended('tallyq.erase_user:' || p_user_id::text, 0));

  select coalesce(array_agg(r.id), '{}') into v_receipts from public.receipts as r where r.owner_id = p_user_id;
  v_counts := v_counts || jsonb_build_object('receipts', cardinality(v_receipts));

  -- queue messages that name their receipts (live, dead-lettered and archived)
  foreach v_queue in array array['q_receipt_ocr', 'q_receipt_ocr_dlq', 'a_receipt_ocr', 'a_receipt_ocr_dlq'] loop
    execute format('delete from pgmq.%I as m where (m.message ->> ''receipt_id'')::uuid = any ($1)', v_queue)
      using v_receipts;
    get diagnostics v_n = row_count;
    v_counts := v_counts || jsonb_build_object('queue_' || v_queue, v_n);
  end loop;

  delete from public.receipts as r where r.id = any (v_receipts);
  -- the person last: their organisation's rename or deletion is audited, then shredded below
  v_counts := v_counts || private._erase_person(p_user_id);
  v_counts := v_counts || jsonb_build_object(
    'audit_personal_rows', private.erase_audit_personal_data(p_user_id));

  insert into private.erasures (subject_digest, counts)
  values (encode(sha256(convert_to(p_user_id::text, 'UTF8')), 'hex'), v_counts);
  return v_counts;
end;
$$;
