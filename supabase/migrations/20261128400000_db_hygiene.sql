-- Database hygiene. Every foreign key has an index whose leading columns are the key (supabase/tests/ops/
-- foreign_keys_have_indexes.test.sql keeps it true): deleting an organisation or a user, and
-- erasing one, then finds the referencing rows by index instead of scanning each table.

-- ============================================================================
-- indexes
-- ============================================================================
create index if not exists organisations_created_by_idx on public.organisations (created_by);
create index if not exists receipt_artifacts_organisation_id_idx
  on public.receipt_artifacts (organisation_id);
create index if not exists receipt_events_organisation_id_idx
  on public.receipt_events (organisation_id);

-- ============================================================================
-- planner estimates
-- ============================================================================
-- RLS filters every member query by `organisation_id in (select private.user_org_ids())`. As a
-- set-returning function it is estimated at 1,000 rows, so at 40,000 receipts the planner chose a
-- sequential scan for a member's receipt list (hot_queries_use_indexes.test.sql). A person
-- belongs to a handful of organisations: say so.
alter function private.user_org_ids(public.org_role[]) rows 5;

-- ============================================================================
-- rls
-- ============================================================================
-- Same rows, plannable: `in (select …)` under RLS becomes a hashed subplan filter estimated at half
-- the table, so a member's receipt list scanned all receipts. `= any (array(select …))` is an
-- init plan the (organisation_id, created_at desc, id desc) index answers.
alter policy "Members can read their organisation's receipts" on public.receipts
  using (organisation_id = any (array(select private.user_org_ids())));
