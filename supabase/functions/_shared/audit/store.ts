// Loads the audit chain (blocks, seals, rows, personal data, erasures) for ./verify.ts. Columns
// come back in their Postgres text forms (jsonb::text, xid8::text, timestamptz::text) so the
// verifier hashes exactly what the database stores. Needs a role that reads private.audit_*
// (service_role or the owner).
import type { Sql, TxSql } from '../db/client.ts';
import type { AuditBlock, AuditRow, AuditSeal, PersonalData, RequestContext } from './canonical.ts';
import type { AuditChain } from './verify.ts';

type Db = Sql | TxSql;

export async function loadAuditChain(db: Db, fromBlock = 1n): Promise<AuditChain> {
  const from = String(fromBlock);
  const blocks = await db<AuditBlock[]>`
    select id::text as "id", xid_from::text as "xidFrom", xid_to::text as "xidTo",
      row_count as "rowCount", rows_digest as "rowsDigest", prev_hash as "prevHash",
      block_hash as "blockHash", sealed_at::text as "sealedAt"
    from private.audit_blocks where id >= ${from}::bigint - 1 order by id`;
  const seals = await db<AuditSeal[]>`
    select audit_id::text as "auditId", block_id::text as "blockId", row_hash as "rowHash"
    from private.audit_seals where block_id >= ${from}::bigint`;
  const checked = blocks.filter((b) => BigInt(b.id) >= fromBlock);
  if (checked.length === 0) {
    return { blocks, seals, rows: [], personalData: [], contexts: [], erasedSubjects: [] };
  }
  const xidFrom = checked[0].xidFrom;
  const xidTo = checked[checked.length - 1].xidTo;
  const rows = await db<AuditRow[]>`
    select id::text as "id", txid::text as "txid", occurred_at::text as "occurredAt",
      table_schema as "tableSchema", table_name as "tableName", op,
      record_pk::text as "recordPk", organisation_id::text as "organisationId",
      old_record::text as "oldRecord", new_record::text as "newRecord",
      changed_fields as "changedFields", actor_id::text as "actorId", actor_role as "actorRole",
      correlation_id as "correlationId", subject_id::text as "subjectId",
      personal_digest as "personalDigest", context_id::text as "contextId",
      context_digest as "contextDigest"
    from private.audit_log as l
    where (l.txid >= ${xidFrom}::xid8 and l.txid < ${xidTo}::xid8)
      or l.id in (select s.audit_id from private.audit_seals as s where s.block_id >= ${from}::bigint)`;
  const personalData = await db<PersonalData[]>`
    select p.audit_id::text as "auditId", p.salt, p.data::text as "data"
    from private.audit_personal_data as p
    join private.audit_log as l on l.id = p.audit_id
    where l.txid >= ${xidFrom}::xid8 and l.txid < ${xidTo}::xid8`;
  const contexts = await db<RequestContext[]>`
    select c.id::text as "id", c.salt, c.data::text as "data"
    from private.audit_contexts as c
    where c.id in (select l.context_id from private.audit_log as l
                   where l.txid >= ${xidFrom}::xid8 and l.txid < ${xidTo}::xid8)`;
  const erasures = await db<{ subjectId: string }[]>`
    select subject_id::text as "subjectId" from private.audit_erasures`;
  return {
    blocks: [...blocks],
    seals: [...seals],
    rows: [...rows].map((r) => ({ ...r, changedFields: r.changedFields ?? null })),
    personalData: [...personalData],
    contexts: [...contexts],
    erasedSubjects: erasures.map((e) => e.subjectId),
  };
}
