-- Audit log indexes, leaner (issue 15, benchmark): each audited row change wrote four btree entries.
-- Most audited rows have no organisation (ledger entries, transactions), so that index keeps only
-- rows that have one; a record's history is found by its primary key alone (the two 64-byte name
-- columns in front of it made that index six times the size of the primary key's).

-- ============================================================================
-- indexes
-- ============================================================================
drop index if exists private.audit_log_organisation_id_occurred_at_idx;
create index audit_log_organisation_id_occurred_at_idx
  on private.audit_log (organisation_id, occurred_at desc) where organisation_id is not null;

drop index if exists private.audit_log_table_record_pk_idx;
create index audit_log_record_pk_idx on private.audit_log (record_pk);

comment on index private.audit_log_record_pk_idx is
  'History of one record: where record_pk = ''{"id": …}'' (and table_name = …).';
