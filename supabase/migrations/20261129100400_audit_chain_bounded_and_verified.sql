-- Audit chain, part 2 (after 20261128200200): sealing takes bounded blocks, and the chain is verified
-- on a schedule. pg_cron tallyq_audit_seal seals at most p_max_blocks blocks of about p_max_rows
-- rows a run (a backlog is worked off over several runs, never in one unbounded block);
-- tallyq_audit_verify (hourly) verifies the blocks sealed since its last run plus a rolling window
-- of older ones, and records what it found in private.audit_verifications, which the alert rule
-- audit_chain_broken (20261128400200_ops_alerts.sql) reads instead of re-verifying every minute.

-- ============================================================================
-- tables
-- ============================================================================
create table private.audit_verifications (
  id bigint generated always as identity primary key,
  verified_at timestamptz not null default clock_timestamp(),
  new_from bigint,
  new_to bigint,
  recheck_from bigint,
  recheck_to bigint,
  problem_count integer not null,
  problems jsonb not null default '[]',
  first_problem_block bigint,
  constraint new_range_is_ordered check (new_to >= new_from),
  constraint recheck_range_is_ordered check (recheck_to >= recheck_from),
  constraint problem_count_is_non_negative check (problem_count >= 0)
);

comment on table private.audit_verifications is
  'One row per scheduled verification of the audit chain: the new blocks [new_from, new_to] and the '
  'rolling recheck window [recheck_from, recheck_to] it verified, and the problems found (first 50). '
  'A run after a failed one starts again at first_problem_block, so a broken chain keeps alerting.';

-- ============================================================================
-- triggers
-- ============================================================================
create trigger tallyq_audit_verifications_is_append_only
  before update or delete on private.audit_verifications
  for each row execute function private.rows_are_append_only();
create trigger tallyq_audit_verifications_is_never_truncated
  before truncate on private.audit_verifications
  for each statement execute function private.rows_are_append_only();

-- ============================================================================
-- rls
-- ============================================================================
alter table private.audit_verifications enable row level security;

create policy "Service role reads the audit verifications"
  on private.audit_verifications for select to service_role
  using (true);

-- ============================================================================
-- functions: bounded sealing
-- ============================================================================
create function private.seal_audit_block(p_horizon xid8, p_max_rows integer)
returns bigint
language plpgsql
set search_path = ''
as $$
declare
  v_prev private.audit_blocks;
  v_block private.audit_blocks;
  v_cut xid8;
begin
  -- One sealer at a time; writers and readers of the audit log never take this lock.
  lock table private.audit_blocks in share row exclusive mode;
  -- The seals are written before their block: deferred again for each block of a transaction.
  set constraints private.seal_block_exists deferred;
  select * into v_prev from private.audit_blocks order by id desc limit 1;
  v_block.id := coalesce(v_prev.id, 0) + 1;
  v_block.xid_from := coalesce(v_prev.xid_to, '0'::xid8);
  -- Every transaction below the snapshot's xmin has ended: its audit rows are final. (Tests pass
  -- an explicit horizon to seal their own uncommitted rows.)
  v_block.xid_to := coalesce(p_horizon, pg_snapshot_xmin(pg_current_snapshot()));
  if v_block.xid_to <= v_block.xid_from then
    return null;
  end if;
  -- Bounded (p_max_rows not null): the block ends before the transaction of row p_max_rows + 1, so it holds at most
  -- p_max_rows rows, unless its first transaction alone wrote more (a block holds whole
  -- transactions: its range is of txids).
  if p_max_rows is not null then
    select l.txid into v_cut from private.audit_log as l
    where l.txid >= v_block.xid_from and l.txid < v_block.xid_to
    order by l.txid offset p_max_rows limit 1;
  end if;
  if v_cut = v_block.xid_from then
    select min(l.txid) into v_cut from private.audit_log as l
    where l.txid > v_block.xid_from and l.txid < v_block.xid_to;
  end if;
  v_block.xid_to := coalesce(v_cut, v_block.xid_to);

  insert into private.audit_seals (audit_id, block_id, row_hash)
  select l.id, v_block.id, sha256(private.audit_row_bytes(l))
  from private.audit_log as l
  where l.txid >= v_block.xid_from and l.txid < v_block.xid_to;
  get diagnostics v_block.row_count = row_count;
  if v_block.row_count = 0 then
    return null;
  end if;

  select sha256(convert_to(string_agg(
           private.audit_seal_bytes(s.audit_id, s.row_hash), '' order by s.audit_id), 'UTF8'))
  into v_block.rows_digest
  from private.audit_seals as s
  where s.block_id = v_block.id;
  v_block.prev_hash := coalesce(v_prev.block_hash, decode(repeat('00', 32), 'hex'));
  v_block.sealed_at := now();
  v_block.block_hash := sha256(private.audit_block_bytes(v_block));
  insert into private.audit_blocks select v_block.*;
  set constraints private.seal_block_exists immediate;
  return v_block.id;
end;
$$;

comment on function private.seal_audit_block(xid8, integer) is
  'Seals final, unsealed audit rows (txid below p_horizon, default: every running transaction) into '
  'the next block of at most p_max_rows rows (whole transactions; null: no bound); returns its id, '
  'null when there is nothing to seal.';

-- The one-argument form keeps its meaning (everything final, one block) for tests that seal their
-- own open transaction; the cron job uses the bounded form through seal_audit_log.
create or replace function private.seal_audit_block(p_horizon xid8 default null)
returns bigint
language sql
set search_path = ''
as $$
  select private.seal_audit_block(p_horizon, null)
$$;

drop function private.seal_audit_log();

create function private.seal_audit_log(p_max_rows integer default 10000, p_max_blocks integer default 20)
returns bigint
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_last bigint;
  v_id bigint;
begin
  for v_i in 1 .. p_max_blocks loop
    v_id := private.seal_audit_block(null, p_max_rows);
    exit when v_id is null;
    v_last := v_id;
  end loop;
  return v_last;
end;
$$;

comment on function private.seal_audit_log(integer, integer) is
  'Seal what is final now, at most p_max_blocks blocks of about p_max_rows rows (pg_cron '
  'tallyq_audit_seal, every minute). Returns the last new block id (null: nothing to seal).';

-- ============================================================================
-- functions: verification of a block range
-- ============================================================================
-- The checks of private.verify_audit_log (20261128200200), over blocks p_from_block..p_to_block
-- (null: to the last block).
create function private.verify_audit_log(p_from_block bigint, p_to_block bigint)
returns table (block_id bigint, audit_id bigint, problem text)
language sql
stable
set search_path = ''
as $$
  with blocks as (
    select b.*, lag(b.id) over w as prev_id, lag(b.block_hash) over w as prev_block_hash,
      lag(b.xid_to) over w as prev_xid_to
    from private.audit_blocks as b
    where b.id >= p_from_block - 1 and (p_to_block is null or b.id <= p_to_block)
    window w as (order by b.id)
  ),
  checked as (
    select * from blocks where id >= p_from_block
  ),
  block_problems as (
    select c.id, null::bigint as audit_id, p.problem
    from checked as c
    cross join lateral (
      select 'block_missing' where c.id > 1 and c.prev_id is distinct from c.id - 1
      union all
      select 'chain_broken' where c.prev_hash is distinct from coalesce(c.prev_block_hash,
        case when c.id = 1 then decode(repeat('00', 32), 'hex') end)
      union all
      select 'range_gap' where c.xid_from is distinct from coalesce(c.prev_xid_to,
        case when c.id = 1 then '0'::xid8 end)
      union all
      select 'block_altered' where c.block_hash <> sha256(private.audit_block_bytes(
        row(c.id, c.xid_from, c.xid_to, c.row_count, c.rows_digest, c.prev_hash, c.block_hash,
            c.sealed_at)::private.audit_blocks))
      union all
      select 'seals_altered' from (
        select count(*)::int as row_count, sha256(convert_to(string_agg(
                 private.audit_seal_bytes(s.audit_id, s.row_hash), '' order by s.audit_id), 'UTF8'))
                 as rows_digest
        from private.audit_seals as s where s.block_id = c.id) as x
      where (x.row_count, x.rows_digest) is distinct from (c.row_count, c.rows_digest)
    ) as p (problem)
  ),
  current_rows as (
    select c.id as block_id, l.id as audit_id, sha256(private.audit_row_bytes(l)) as row_hash,
      l.personal_digest, l.subject_id, l.context_id, l.context_digest, l.actor_id
    from checked as c
    join private.audit_log as l on l.txid >= c.xid_from and l.txid < c.xid_to
  ),
  sealed_rows as (
    select s.* from private.audit_seals as s join checked as c on c.id = s.block_id
  ),
  row_problems as (
    select coalesce(r.block_id, s.block_id), coalesce(r.audit_id, s.audit_id),
      case
        when r.audit_id is null and exists (select 1 from private.audit_log as l where l.id = s.audit_id)
          then 'row_moved'
        when r.audit_id is null then 'row_missing'
        when s.audit_id is null then 'row_unsealed'
        when exists (select 1 from sealed_rows as o
                     where o.block_id = s.block_id and o.row_hash = r.row_hash)
          then 'row_reordered'
        else 'row_altered'
      end
    from current_rows as r
    full join sealed_rows as s on s.audit_id = r.audit_id and s.block_id = r.block_id
    where r.row_hash is distinct from s.row_hash
  ),
  personal_problems as (
    select r.block_id, r.audit_id,
      case when p.audit_id is null then 'personal_data_missing' else 'personal_data_altered' end
    from current_rows as r
    left join private.audit_personal_data as p on p.audit_id = r.audit_id
    where r.personal_digest is not null
      and (case when p.audit_id is null
             then not exists (select 1 from private.audit_erasures as e where e.subject_id = r.subject_id)
             else sha256(p.salt || convert_to(p.data::text, 'UTF8')) <> r.personal_digest end)
  ),
  context_problems as (
    select r.block_id, r.audit_id,
      case when c.id is null then 'context_missing' else 'context_altered' end
    from current_rows as r
    left join private.audit_contexts as c on c.id = r.context_id
    where r.context_digest is not null
      and (case when c.id is null
             then not exists (select 1 from private.audit_erasures as e where e.subject_id = r.actor_id)
             else sha256(c.salt || convert_to(c.data::text, 'UTF8')) <> r.context_digest end)
  )
  select * from block_problems
  union all select * from row_problems
  union all select * from personal_problems
  union all select * from context_problems
  order by 1, 2 nulls first, 3
$$;

comment on function private.verify_audit_log(bigint, bigint) is
  'private.verify_audit_log over blocks p_from_block..p_to_block (null: to the end), including the '
  'link to block p_from_block - 1. Empty result = intact.';

create or replace function private.verify_audit_log(p_from_block bigint default 1)
returns table (block_id bigint, audit_id bigint, problem text)
language sql
stable
set search_path = ''
as $$
  select * from private.verify_audit_log(p_from_block, null)
$$;

-- ============================================================================
-- functions: scheduled verification
-- ============================================================================
create function private.verify_audit_chain(p_max_new_blocks integer default 200,
                                           p_recheck_blocks integer default 50)
returns private.audit_verifications
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_last private.audit_verifications;
  v_top bigint;
  v_run private.audit_verifications;
  v_problems jsonb;
begin
  select * into v_last from private.audit_verifications order by id desc limit 1;
  select coalesce(max(b.id), 0) into v_top from private.audit_blocks as b;

  -- New blocks since the last run; after a failed run, again from its first broken block.
  if v_last.problem_count > 0 then
    v_run.new_from := v_last.first_problem_block;
  else
    v_run.new_from := coalesce((select max(r.new_to) from private.audit_verifications as r), 0) + 1;
  end if;
  if v_run.new_from <= v_top then
    v_run.new_to := least(v_top, v_run.new_from + p_max_new_blocks - 1);
  else
    v_run.new_from := null;
  end if;
  -- A rolling window over the blocks verified before, so an edit of an old block is found too.
  v_run.recheck_from := coalesce(v_last.recheck_to + 1, 1);
  if v_run.recheck_from >= coalesce(v_run.new_from, v_top + 1) then
    v_run.recheck_from := 1;
  end if;
  if p_recheck_blocks > 0 and v_run.recheck_from < coalesce(v_run.new_from, v_top + 1) then
    v_run.recheck_to := least(coalesce(v_run.new_from, v_top + 1) - 1,
                              v_run.recheck_from + p_recheck_blocks - 1);
  else
    v_run.recheck_from := null;
  end if;

  with found as (
    select p.* from private.verify_audit_log(v_run.new_from, v_run.new_to) as p
    where v_run.new_from is not null
    union all
    select p.* from private.verify_audit_log(v_run.recheck_from, v_run.recheck_to) as p
    where v_run.recheck_from is not null
  )
  select count(*)::int, min(f.block_id),
    coalesce((select jsonb_agg(to_jsonb(x)) from (select * from found order by 1, 2 limit 50) as x), '[]')
  into v_run.problem_count, v_run.first_problem_block, v_problems
  from found as f;

  insert into private.audit_verifications
    (new_from, new_to, recheck_from, recheck_to, problem_count, problems, first_problem_block)
  values (v_run.new_from, v_run.new_to, v_run.recheck_from, v_run.recheck_to, v_run.problem_count,
          v_problems, v_run.first_problem_block)
  returning * into v_run;
  return v_run;
end;
$$;

comment on function private.verify_audit_chain(integer, integer) is
  'Scheduled audit chain verification (pg_cron tallyq_audit_verify, hourly): the blocks sealed since '
  'the last run (at most p_max_new_blocks) and p_recheck_blocks older ones in rolling order; records '
  'the result in private.audit_verifications for the audit_chain_broken alert.';

-- The alert reads what the scheduled verification recorded: re-verifying the whole chain every
-- minute grew with the log (and competed with the writers it audits).
create or replace function private.alert_rule_audit_chain_broken(p_threshold numeric)
returns table (subject text, summary text, details jsonb)
language plpgsql
stable
set search_path = ''
as $$
declare
  v_verifications regclass := to_regclass('private.audit_verifications');
  v_last jsonb;
begin
  if v_verifications is null then return; end if;
  execute format('select to_jsonb(v) from %s as v order by v.id desc limit 1', v_verifications)
    into v_last;
  if coalesce((v_last ->> 'problem_count')::numeric, 0) > p_threshold then
    return query select ''::text,
      format('The audit log hash chain does not verify (%s problems from block %s)',
             v_last ->> 'problem_count', v_last ->> 'first_problem_block'),
      jsonb_build_object('verification_id', v_last -> 'id', 'verified_at', v_last -> 'verified_at',
                         'problems', v_last -> 'problems');
  end if;
end;
$$;

-- ============================================================================
-- cron (re-running replaces the job)
-- ============================================================================
select cron.schedule('tallyq_audit_seal', '* * * * *', $$select private.seal_audit_log()$$);
select cron.schedule('tallyq_audit_verify', '41 * * * *', $$select private.verify_audit_chain()$$);

-- ============================================================================
-- grants
-- ============================================================================
revoke all on private.audit_verifications from public, anon, authenticated;
grant select on private.audit_verifications to service_role;

revoke all on function private.seal_audit_block(xid8, integer) from public, anon, authenticated;
revoke all on function private.seal_audit_log(integer, integer) from public, anon, authenticated;
revoke all on function private.verify_audit_log(bigint, bigint) from public, anon, authenticated;
revoke all on function private.verify_audit_chain(integer, integer) from public, anon, authenticated;
grant execute on function private.seal_audit_log(integer, integer), private.verify_audit_log(bigint, bigint),
  private.verify_audit_chain(integer, integer) to service_role;
