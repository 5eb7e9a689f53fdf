-- Audit log, part 3: tamper evidence. pg_cron (tallyq_audit_seal) seals final audit rows into
-- hash-linked blocks; private.verify_audit_log() recomputes every hash and reports what changed.
-- Writers never wait on the chain: a row is only hashed once its transaction has ended (its txid is
-- below the xmin of the sealer's snapshot), so no lock is shared by financial writes.
-- The same canonical bytes are built in TypeScript: supabase/functions/_shared/audit/canonical.ts.

-- ============================================================================
-- tables
-- ============================================================================
create table private.audit_blocks (
  id bigint primary key,
  xid_from xid8 not null,
  xid_to xid8 not null,
  row_count int not null,
  rows_digest bytea not null,
  prev_hash bytea not null,
  block_hash bytea not null,
  sealed_at timestamptz not null default now(),
  constraint xid_to_is_after_xid_from check (xid_to > xid_from),
  constraint row_count_is_positive check (row_count > 0),
  constraint hashes_are_sha256 check (
    octet_length(rows_digest) = 32 and octet_length(prev_hash) = 32
    and octet_length(block_hash) = 32)
);

comment on table private.audit_blocks is
  'Hash chain over the audit log. Block n holds every audit row with xid_from <= txid < xid_to '
  '(contiguous ranges from 0); block_hash = sha256(canonical block bytes incl. prev_hash).';

create table private.audit_seals (
  audit_id bigint primary key,
  block_id bigint not null,
  row_hash bytea not null,
  constraint row_hash_is_sha256 check (octet_length(row_hash) = 32),
  -- deferred: a block's digest is computed from its seals, which are written first
  constraint seal_block_exists foreign key (block_id) references private.audit_blocks (id)
    deferrable initially deferred
);

comment on table private.audit_seals is
  'Hash of each audit row at sealing time, so the verifier can name the row that changed.';

-- ============================================================================
-- indexes
-- ============================================================================
create index audit_seals_block_id_idx on private.audit_seals (block_id, audit_id);

-- ============================================================================
-- triggers
-- ============================================================================
create trigger tallyq_audit_blocks_is_append_only
  before update or delete on private.audit_blocks
  for each row execute function private.rows_are_append_only();
create trigger tallyq_audit_blocks_is_never_truncated
  before truncate on private.audit_blocks
  for each statement execute function private.rows_are_append_only();
create trigger tallyq_audit_seals_is_append_only
  before update or delete on private.audit_seals
  for each row execute function private.rows_are_append_only();
create trigger tallyq_audit_seals_is_never_truncated
  before truncate on private.audit_seals
  for each statement execute function private.rows_are_append_only();

-- ============================================================================
-- rls
-- ============================================================================
alter table private.audit_blocks enable row level security;
alter table private.audit_seals enable row level security;

create policy "Service role reads the audit chain blocks"
  on private.audit_blocks for select to service_role
  using (true);

create policy "Service role reads the audit chain seals"
  on private.audit_seals for select to service_role
  using (true);

-- ============================================================================
-- functions: canonical bytes (keep in step with _shared/audit/canonical.ts)
-- ============================================================================
-- A field: '~' for null, else '<utf-8 byte length>:<text>' (a netstring without the comma).
create function private.audit_fields(p_values text[])
returns text
language plpgsql
immutable
set search_path = ''
as $$
declare
  v_out text := '';
  v_value text;
begin
  foreach v_value in array p_values loop
    v_out := v_out || case when v_value is null then '~'
                           else octet_length(v_value)::text || ':' || v_value end;
  end loop;
  return v_out;
end;
$$;

-- plpgsql with one loop: called once per row by the sealer and the verifier, this is the fastest
-- form that still pins search_path (a SET clause stops SQL functions from being inlined).
create function private.audit_row_bytes(p private.audit_log)
returns bytea
language plpgsql
stable
set search_path = ''
as $$
declare
  v_out text := 'tallyq.audit.row.v1';
  v_field text;
begin
  foreach v_field in array array[
    p.txid::text,
    ((extract(epoch from p.occurred_at) * 1000000)::bigint)::text,
    p.table_schema,
    p.table_name,
    p.op,
    p.record_pk::text,
    p.organisation_id::text,
    p.old_record::text,
    p.new_record::text,
    to_jsonb(p.changed_fields)::text,
    p.actor_id::text,
    p.actor_role,
    p.correlation_id,
    p.subject_id::text,
    encode(p.personal_digest, 'hex'),
    encode(p.context_digest, 'hex')
  ] loop
    v_out := v_out || case when v_field is null then '~'
                           else octet_length(v_field)::text || ':' || v_field end;
  end loop;
  return convert_to(v_out, 'UTF8');
end;
$$;

comment on function private.audit_row_bytes(private.audit_log) is
  'Canonical bytes of an audit row (every column but id and context_id: id and order are bound by '
  'the block, the context by its digest). Personal data enters only as personal_digest and '
  'context_digest, so erasing it keeps the chain verifiable.';

create function private.audit_block_bytes(p private.audit_blocks)
returns bytea
language sql
stable
set search_path = ''
as $$
  select convert_to('tallyq.audit.block.v1' || private.audit_fields(array[
    p.id::text,
    p.xid_from::text,
    p.xid_to::text,
    p.row_count::text,
    encode(p.rows_digest, 'hex'),
    encode(p.prev_hash, 'hex'),
    ((extract(epoch from p.sealed_at) * 1000000)::bigint)::text
  ]), 'UTF8')
$$;

-- rows_digest input for one row: id and row hash, concatenated in id order.
create function private.audit_seal_bytes(p_audit_id bigint, p_row_hash bytea)
returns text
language plpgsql
immutable
set search_path = ''
as $$
declare
  v_id text := p_audit_id::text;
begin
  return octet_length(v_id)::text || ':' || v_id || '64:' || encode(p_row_hash, 'hex');
end;
$$;

-- ============================================================================
-- functions: sealing
-- ============================================================================
create function private.seal_audit_block(p_horizon xid8 default null)
returns bigint
language plpgsql
set search_path = ''
as $$
declare
  v_prev private.audit_blocks;
  v_block private.audit_blocks;
begin
  -- One sealer at a time; writers and readers of the audit log never take this lock.
  lock table private.audit_blocks in share row exclusive mode;
  select * into v_prev from private.audit_blocks order by id desc limit 1;
  v_block.id := coalesce(v_prev.id, 0) + 1;
  v_block.xid_from := coalesce(v_prev.xid_to, '0'::xid8);
  -- Every transaction below the snapshot's xmin has ended: its audit rows are final. (Tests pass
  -- an explicit horizon to seal their own uncommitted rows.)
  v_block.xid_to := coalesce(p_horizon, pg_snapshot_xmin(pg_current_snapshot()));
  if v_block.xid_to <= v_block.xid_from then
    return null;
  end if;

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

comment on function private.seal_audit_block(xid8) is
  'Seals every final, unsealed audit row into the next block; returns its id (null: nothing to '
  'seal). Run by pg_cron (tallyq_audit_seal). p_horizon is for tests only.';

-- ============================================================================
-- functions: verification (keep in step with _shared/audit/verify.ts)
-- ============================================================================
create function private.verify_audit_log(p_from_block bigint default 1)
returns table (block_id bigint, audit_id bigint, problem text)
language sql
stable
set search_path = ''
as $$
  with blocks as (
    select b.*, lag(b.id) over w as prev_id, lag(b.block_hash) over w as prev_block_hash,
      lag(b.xid_to) over w as prev_xid_to
    from private.audit_blocks as b
    where b.id >= p_from_block - 1
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

comment on function private.verify_audit_log(bigint) is
  'Recomputes the chain from block p_from_block on. Empty result = intact. Problems: block_missing, '
  'chain_broken, range_gap, block_altered, seals_altered (block level); row_missing, row_moved, '
  'row_unsealed, row_reordered, row_altered, personal_data_missing, personal_data_altered, '
  'context_missing, context_altered.';

create function private.seal_audit_log()
returns bigint
language sql
security definer
set search_path = ''
as $$
  select private.seal_audit_block()
$$;

comment on function private.seal_audit_log() is
  'Seal what is final now (pg_cron tallyq_audit_seal, every minute). Returns the new block id.';

-- ============================================================================
-- cron (re-running replaces the job)
-- ============================================================================
select cron.schedule('tallyq_audit_seal', '* * * * *', $$select private.seal_audit_log()$$);

-- ============================================================================
-- grants
-- ============================================================================
revoke all on private.audit_blocks, private.audit_seals from public, anon, authenticated;
grant select on private.audit_blocks, private.audit_seals to service_role;

revoke all on function private.audit_fields(text[]) from public, anon, authenticated;
revoke all on function private.audit_row_bytes(private.audit_log) from public, anon, authenticated;
revoke all on function private.audit_block_bytes(private.audit_blocks) from public, anon, authenticated;
revoke all on function private.audit_seal_bytes(bigint, bytea) from public, anon, authenticated;
revoke all on function private.seal_audit_block(xid8) from public, anon, authenticated;
revoke all on function private.verify_audit_log(bigint) from public, anon, authenticated;
revoke all on function private.seal_audit_log() from public, anon, authenticated;
grant execute on function private.audit_fields(text[]), private.audit_row_bytes(private.audit_log),
  private.audit_block_bytes(private.audit_blocks), private.audit_seal_bytes(bigint, bytea),
  private.verify_audit_log(bigint), private.seal_audit_log() to service_role;
