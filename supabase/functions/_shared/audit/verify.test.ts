// Unit tests of the canonical bytes and the pure verifier over chains built in memory.
// (Agreement with the SQL side on real rows: verify.db.test.ts.)
import assert from 'node:assert/strict';
import {
  type AuditBlock,
  type AuditRow,
  blockHash,
  epochMicros,
  field,
  GENESIS_HASH,
  hex,
  jsonString,
  personalDigest,
  rowBytes,
  rowHash,
  rowsDigest,
} from './canonical.ts';
import { type AuditChain, verifyAuditChain } from './verify.ts';

const row = (id: number, txid: number, extra: Partial<AuditRow> = {}): AuditRow => ({
  id: String(id),
  txid: String(txid),
  occurredAt: '2026-11-28 18:00:00.5+00',
  tableSchema: 'public',
  tableName: 'wallet_entries',
  op: 'INSERT',
  recordPk: `{"id": ${id}}`,
  organisationId: null,
  oldRecord: null,
  newRecord: `{"id": ${id}, "amount_minor": ${id * 100}}`,
  changedFields: null,
  actorId: null,
  actorRole: 'service_role',
  correlationId: `req-${id}`,
  subjectId: null,
  personalDigest: null,
  contextId: null,
  contextDigest: null,
  ...extra,
});

/** Seals rows into consecutive blocks the way private.seal_audit_block does. */
function seal(rows: AuditRow[], horizons: number[]): AuditChain {
  const chain: AuditChain = {
    blocks: [],
    seals: [],
    rows,
    personalData: [],
    contexts: [],
    erasedSubjects: [],
  };
  let xidFrom = '0';
  let prevHash: Uint8Array = GENESIS_HASH;
  horizons.forEach((horizon, i) => {
    const id = String(i + 1);
    const members = rows.filter((r) =>
      BigInt(r.txid) >= BigInt(xidFrom) && BigInt(r.txid) < BigInt(horizon)
    );
    const seals = members.map((r) => ({ auditId: r.id, blockId: id, rowHash: rowHash(r) }));
    const unsigned = {
      id,
      xidFrom,
      xidTo: String(horizon),
      rowCount: seals.length,
      rowsDigest: rowsDigest(seals),
      prevHash,
      sealedAt: '2026-11-28 18:01:00+00',
    };
    const block: AuditBlock = { ...unsigned, blockHash: blockHash(unsigned) };
    chain.blocks.push(block);
    chain.seals.push(...seals);
    xidFrom = block.xidTo;
    prevHash = block.blockHash;
  });
  return chain;
}

const problems = (chain: AuditChain, from = 1n) =>
  verifyAuditChain(chain, from).map((p) => `${p.blockId}/${p.auditId ?? '-'} ${p.problem}`);

Deno.test('audit canonical - a field is its utf-8 byte length and text, null is ~', () => {
  assert.equal(field(null), '~');
  assert.equal(field(''), '0:');
  assert.equal(field('Café'), '5:Café');
});

Deno.test('audit canonical - timestamptz text becomes epoch microseconds at any offset', () => {
  assert.equal(epochMicros('1970-01-01 00:00:01+00'), 1_000_000n);
  assert.equal(epochMicros('1970-01-01 00:00:00.000001+00'), 1n);
  assert.equal(epochMicros('1970-01-01 05:30:00.25+05:30'), 250_000n);
  assert.equal(epochMicros('1969-12-31 23:59:59-00'), -1_000_000n);
  assert.throws(() => epochMicros('yesterday'), /Unsupported timestamptz/);
});

Deno.test('audit canonical - every column but the id changes the row hash', () => {
  const base = row(1, 10);
  const variants: Partial<AuditRow>[] = [
    { txid: '11' },
    { occurredAt: '2026-11-28 18:00:00.500001+00' },
    { tableName: 'payments' },
    { op: 'UPDATE' },
    { recordPk: '{"id": 2}' },
    { newRecord: '{"id": 1, "amount_minor": 101}' },
    { oldRecord: '{}' },
    { changedFields: [] },
    { changedFields: ['a', 'b'] },
    { changedFields: ['ab'] },
    { actorId: '00000000-0000-4000-8000-000000000001' },
    { actorRole: null },
    { correlationId: 'req-2' },
    { subjectId: '00000000-0000-4000-8000-000000000001' },
    { personalDigest: new Uint8Array(32) },
    { contextDigest: new Uint8Array(32) },
  ];
  const seen = new Set([hex(rowHash(base))]);
  for (const v of variants) seen.add(hex(rowHash({ ...base, ...v })));
  assert.equal(seen.size, variants.length + 1);
  assert.deepEqual(rowBytes({ ...base, id: '99' }), rowBytes(base));
});

Deno.test('audit verify - an untouched chain has no problems', () => {
  const chain = seal([row(1, 5), row(2, 7), row(3, 7), row(4, 12)], [8, 20]);
  assert.deepEqual(problems(chain), []);
  assert.equal(chain.blocks[0].rowCount, 3);
});

Deno.test('audit verify - edited, deleted, reordered and slipped-in rows are named', () => {
  const chain = seal([row(1, 5), row(2, 7), row(3, 7), row(4, 12)], [8, 20]);
  const edited = structuredClone(chain);
  edited.rows[1].newRecord = '{"id": 2, "amount_minor": 1}';
  assert.deepEqual(problems(edited), ['1/2 row_altered']);

  const deleted = { ...chain, rows: chain.rows.filter((r) => r.id !== '3') };
  assert.deepEqual(problems(deleted), ['1/3 row_missing']);

  const swapped = structuredClone(chain);
  [swapped.rows[0].id, swapped.rows[2].id] = ['3', '1'];
  assert.deepEqual(problems(swapped), ['1/1 row_reordered', '1/3 row_reordered']);

  const moved = structuredClone(chain);
  moved.rows[0].txid = '15';
  assert.deepEqual(problems(moved), ['1/1 row_moved', '2/1 row_unsealed']);

  const slipped = { ...chain, rows: [...chain.rows, row(9, 6)] };
  assert.deepEqual(problems(slipped), ['1/9 row_unsealed']);
});

Deno.test('audit verify - changed blocks, broken links and missing blocks are named', () => {
  const chain = seal([row(1, 5), row(2, 12), row(3, 25)], [8, 20, 30]);
  const altered = structuredClone(chain);
  altered.blocks[1].sealedAt = '2026-11-28 18:02:00+00';
  // block 2's stored hash no longer matches its content (block 3 still links to the stored hash)
  assert.deepEqual(problems(altered), ['2/- block_altered']);

  const rehashed = structuredClone(altered);
  rehashed.blocks[1].blockHash = blockHash(rehashed.blocks[1]);
  assert.deepEqual(problems(rehashed), ['3/- chain_broken']);

  const dropped = { ...chain, blocks: [chain.blocks[0], chain.blocks[2]] };
  assert.deepEqual(problems(dropped), [
    '3/- block_missing',
    '3/- chain_broken',
    '3/- range_gap',
  ]);

  const lostSeal = { ...chain, seals: chain.seals.filter((s) => s.auditId !== '2') };
  assert.deepEqual(problems(lostSeal), ['2/- seals_altered', '2/2 row_unsealed']);

  assert.deepEqual(problems(chain, 3n), [], 'checking from block 3 links to block 2');
});

Deno.test('audit verify - personal data: erased is fine, missing or edited is not', () => {
  const salt = new Uint8Array(16).fill(7);
  const data = '{"client_ip": "203.0.113.7"}';
  const subject = '00000000-0000-4000-8000-00000000000a';
  const digest = personalDigest({ salt, data });
  const chain = seal([row(1, 5, { personalDigest: digest, subjectId: subject })], [8]);
  chain.personalData = [{ auditId: '1', salt, data }];
  assert.deepEqual(problems(chain), []);
  assert.deepEqual(problems({ ...chain, personalData: [] }), ['1/1 personal_data_missing']);
  assert.deepEqual(problems({ ...chain, personalData: [], erasedSubjects: [subject] }), []);
  const edited = { ...chain, personalData: [{ auditId: '1', salt, data: '{"client_ip": "x"}' }] };
  assert.deepEqual(problems(edited), ['1/1 personal_data_altered']);
});

Deno.test('audit canonical - changed fields are hashed as Postgres writes a jsonb string array', () => {
  assert.equal(jsonString('plain'), '"plain"');
  assert.equal(jsonString('a"b\\c'), '"a\\"b\\\\c"');
  assert.equal(jsonString('\b\f\n\r\t\u0001é'), '"\\b\\f\\n\\r\\t\\u0001é"');
});

Deno.test('audit verify - request context: shared by rows, erased with its actor, edits caught', () => {
  const salt = new Uint8Array(16).fill(3);
  const data = '{"client_ip": "198.51.100.4", "user_agent": "app/1"}';
  const actor = '00000000-0000-4000-8000-00000000000b';
  const ctx = { contextId: '7', contextDigest: personalDigest({ salt, data }), actorId: actor };
  const chain = seal([row(1, 5, ctx), row(2, 5, ctx)], [8]);
  chain.contexts = [{ id: '7', salt, data }];
  assert.deepEqual(problems(chain), []);
  assert.deepEqual(problems({ ...chain, contexts: [] }), [
    '1/1 context_missing',
    '1/2 context_missing',
  ]);
  assert.deepEqual(problems({ ...chain, contexts: [], erasedSubjects: [actor] }), []);
  const edited = { ...chain, contexts: [{ id: '7', salt, data: data.replace('198', '10') }] };
  assert.deepEqual(problems(edited), ['1/1 context_altered', '1/2 context_altered']);
});
