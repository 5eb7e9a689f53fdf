-- The "audit chain broken" alert reads the newest scheduled verification (…100400), not a full
-- verification of the whole log every minute. Two branches of this session each redefined the
-- rule: …100400 to read private.audit_verifications, and …200200 (which runs later) to name the
-- ledger directly, bringing back the full verify_audit_log() scan. This keeps both intents: the
-- cheap read of the last record, with the table named directly (it exists since …100400).
create or replace function private.alert_rule_audit_chain_broken(p_threshold numeric)
returns table (subject text, summary text, details jsonb)
language sql
stable
set search_path = ''
as $$
  select ''::text,
    format('The audit log hash chain does not verify (%s problems from block %s)',
           v.problem_count, v.first_problem_block),
    jsonb_build_object('verification_id', v.id, 'verified_at', v.verified_at,
                       'problems', v.problems)
  from (
    select id, verified_at, problem_count, first_problem_block, problems
    from private.audit_verifications
    order by id desc
    limit 1
  ) as v
  where v.problem_count > p_threshold
$$;
