// The audit chain verifier, the same checks as SQL private.verify_audit_log(): pure, over rows
// loaded by ./store.ts, so the chain can be checked outside the database that holds it.
import {
  type AuditBlock,
  type AuditRow,
  type AuditSeal,
  blockHash,
  compareIds,
  GENESIS_HASH,
  hex,
  type PersonalData,
  personalDigest,
  type RequestContext,
  rowHash,
  rowsDigest,
  sameBytes,
} from './canonical.ts';

export type AuditProblem = {
  blockId: string;
  auditId: string | null;
  problem:
    | 'block_missing'
    | 'chain_broken'
    | 'range_gap'
    | 'block_altered'
    | 'seals_altered'
    | 'row_missing'
    | 'row_moved'
    | 'row_unsealed'
    | 'row_reordered'
    | 'row_altered'
    | 'personal_data_missing'
    | 'personal_data_altered'
    | 'context_missing'
    | 'context_altered';
};

export type AuditChain = {
  /** Blocks from fromBlock - 1 (when it exists) on, in id order. */
  blocks: AuditBlock[];
  /** Seals of the checked blocks. */
  seals: AuditSeal[];
  /** Rows in the checked blocks' xid ranges, plus any row a seal names. */
  rows: AuditRow[];
  personalData: PersonalData[];
  /** Request contexts the checked rows name. */
  contexts: RequestContext[];
  erasedSubjects: string[];
};

const inRange = (txid: string, block: AuditBlock) =>
  compareIds(txid, block.xidFrom) >= 0 && compareIds(txid, block.xidTo) < 0;

export function verifyAuditChain(chain: AuditChain, fromBlock = 1n): AuditProblem[] {
  const problems: AuditProblem[] = [];
  const rowIds = new Set(chain.rows.map((r) => r.id));
  const personal = new Map(chain.personalData.map((p) => [p.auditId, p]));
  const contexts = new Map(chain.contexts.map((c) => [c.id, c]));
  const erased = new Set(chain.erasedSubjects);
  const blocks = [...chain.blocks].sort((a, b) => compareIds(a.id, b.id));

  blocks.forEach((block, i) => {
    if (BigInt(block.id) < fromBlock) return;
    const prev = i > 0 ? blocks[i - 1] : null;
    const add = (problem: AuditProblem['problem'], auditId: string | null = null) =>
      problems.push({ blockId: block.id, auditId, problem });
    const isFirst = block.id === '1';
    if (!isFirst && (prev === null || BigInt(prev.id) !== BigInt(block.id) - 1n)) {
      add('block_missing');
    }
    if (!sameBytes(block.prevHash, prev?.blockHash ?? (isFirst ? GENESIS_HASH : null))) {
      add('chain_broken');
    }
    if ((prev?.xidTo ?? (isFirst ? '0' : null)) !== block.xidFrom) add('range_gap');
    if (!sameBytes(block.blockHash, blockHash(block))) add('block_altered');

    const seals = chain.seals.filter((s) => s.blockId === block.id);
    if (seals.length !== block.rowCount || !sameBytes(rowsDigest(seals), block.rowsDigest)) {
      add('seals_altered');
    }

    const current = chain.rows.filter((r) => inRange(r.txid, block));
    const currentHash = new Map(current.map((r) => [r.id, rowHash(r)]));
    const sealed = new Map(seals.map((s) => [s.auditId, s.rowHash]));
    const sealedHashes = new Set(seals.map((s) => hex(s.rowHash)));
    for (const seal of seals) {
      if (!currentHash.has(seal.auditId)) {
        add(rowIds.has(seal.auditId) ? 'row_moved' : 'row_missing', seal.auditId);
      }
    }
    for (const [id, hash] of currentHash) {
      const expected = sealed.get(id);
      if (expected === undefined) add('row_unsealed', id);
      else if (!sameBytes(hash, expected)) {
        add(sealedHashes.has(hex(hash)) ? 'row_reordered' : 'row_altered', id);
      }
    }
    for (const row of current) {
      if (row.personalDigest === null) continue;
      const data = personal.get(row.id);
      if (data === undefined) {
        if (row.subjectId === null || !erased.has(row.subjectId)) {
          add('personal_data_missing', row.id);
        }
      } else if (!sameBytes(personalDigest(data), row.personalDigest)) {
        add('personal_data_altered', row.id);
      }
    }
    for (const row of current) {
      if (row.contextDigest === null) continue;
      const context = row.contextId === null ? undefined : contexts.get(row.contextId);
      if (context === undefined) {
        if (row.actorId === null || !erased.has(row.actorId)) add('context_missing', row.id);
      } else if (!sameBytes(personalDigest(context), row.contextDigest)) {
        add('context_altered', row.id);
      }
    }
  });
  return problems.sort(compareProblems);
}

/** Block, then audit id (block-level first), then problem name. */
export function compareProblems(a: AuditProblem, b: AuditProblem): number {
  return compareIds(a.blockId, b.blockId) ||
    (a.auditId === b.auditId
      ? 0
      : a.auditId === null
      ? -1
      : b.auditId === null
      ? 1
      : compareIds(a.auditId, b.auditId)) ||
    (a.problem < b.problem ? -1 : a.problem > b.problem ? 1 : 0);
}
