// Canonical bytes and hashes of the audit chain, byte for byte the same as the SQL functions
// private.audit_row_bytes / audit_block_bytes / audit_seal_bytes (migration 20261128200200).
// Inputs are the columns' Postgres text forms (jsonb, xid8, timestamptz as text), so nothing is
// re-serialised on the way: the verifier hashes what the database holds.
import { createHash } from 'node:crypto';

/** An audit_log row as read by ./store.ts: text forms, bytea as bytes. */
export type AuditRow = {
  id: string;
  txid: string;
  occurredAt: string;
  tableSchema: string;
  tableName: string;
  op: string;
  recordPk: string | null;
  organisationId: string | null;
  oldRecord: string | null;
  newRecord: string | null;
  changedFields: string[] | null;
  actorId: string | null;
  actorRole: string | null;
  correlationId: string | null;
  subjectId: string | null;
  personalDigest: Uint8Array | null;
  contextId: string | null;
  contextDigest: Uint8Array | null;
};

export type AuditBlock = {
  id: string;
  xidFrom: string;
  xidTo: string;
  rowCount: number;
  rowsDigest: Uint8Array;
  prevHash: Uint8Array;
  blockHash: Uint8Array;
  sealedAt: string;
};

export type AuditSeal = { auditId: string; blockId: string; rowHash: Uint8Array };

export type PersonalData = { auditId: string; salt: Uint8Array; data: string };

/** A request context (client IP, user agent) of audit_contexts; its subject is the rows' actor. */
export type RequestContext = { id: string; salt: Uint8Array; data: string };

const utf8 = new TextEncoder();

export const GENESIS_HASH = new Uint8Array(32);

export function sha256(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(bytes).digest());
}

export function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** One field: '~' for null, else '<utf-8 byte length>:<text>'. */
export function field(value: string | null): string {
  return value === null ? '~' : `${utf8.encode(value).length}:${value}`;
}

/**
 * Microseconds since the epoch of a Postgres timestamptz in ISO text form
 * ('2026-11-28 18:44:42.631946+00', any offset), as SQL's extract(epoch …) * 1e6 gives it.
 */
export function epochMicros(timestamptz: string): bigint {
  const m = timestamptz.match(
    /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?([+-])(\d{2})(?::?(\d{2}))?(?::(\d{2}))?$/,
  );
  if (!m) throw new Error(`Unsupported timestamptz text: ${timestamptz}`);
  const [, y, mo, d, h, mi, s, frac = '', sign, oh, om = '0', os = '0'] = m;
  const utcSeconds = BigInt(Date.UTC(+y, +mo - 1, +d, +h, +mi, +s) / 1000);
  const offsetSeconds = BigInt((+oh * 3600 + +om * 60 + +os) * (sign === '-' ? -1 : 1));
  return (utcSeconds - offsetSeconds) * 1_000_000n + BigInt(frac.padEnd(6, '0'));
}

/** A string as Postgres writes it inside jsonb text (escape_json): changed_fields is hashed as
 * to_jsonb(text[])::text. */
export function jsonString(value: string): string {
  const escapes: Record<string, string> = {
    '"': '\\"',
    '\\': '\\\\',
    '\b': '\\b',
    '\f': '\\f',
    '\n': '\\n',
    '\r': '\\r',
    '\t': '\\t',
  };
  let out = '"';
  for (const c of value) {
    const code = c.charCodeAt(0);
    out += escapes[c] ?? (code < 0x20 ? `\\u${code.toString(16).padStart(4, '0')}` : c);
  }
  return out + '"';
}

export function rowBytes(row: AuditRow): Uint8Array {
  const changed = row.changedFields === null
    ? null
    : `[${row.changedFields.map(jsonString).join(', ')}]`;
  return utf8.encode(
    'tallyq.audit.row.v1' + [
      row.txid,
      String(epochMicros(row.occurredAt)),
      row.tableSchema,
      row.tableName,
      row.op,
      row.recordPk,
      row.organisationId,
      row.oldRecord,
      row.newRecord,
      changed,
      row.actorId,
      row.actorRole,
      row.correlationId,
      row.subjectId,
      row.personalDigest === null ? null : hex(row.personalDigest),
      row.contextDigest === null ? null : hex(row.contextDigest),
    ].map(field).join(''),
  );
}

export const rowHash = (row: AuditRow): Uint8Array => sha256(rowBytes(row));

/** rows_digest of a block: its seals (id, row hash) in id order. */
export function rowsDigest(seals: { auditId: string; rowHash: Uint8Array }[]): Uint8Array {
  const ordered = [...seals].sort((a, b) => compareIds(a.auditId, b.auditId));
  return sha256(utf8.encode(ordered.map((s) => field(s.auditId) + field(hex(s.rowHash))).join('')));
}

export function blockBytes(block: Omit<AuditBlock, 'blockHash'>): Uint8Array {
  return utf8.encode(
    'tallyq.audit.block.v1' + [
      block.id,
      block.xidFrom,
      block.xidTo,
      String(block.rowCount),
      hex(block.rowsDigest),
      hex(block.prevHash),
      String(epochMicros(block.sealedAt)),
    ].map(field).join(''),
  );
}

export const blockHash = (block: Omit<AuditBlock, 'blockHash'>): Uint8Array =>
  sha256(blockBytes(block));

/** sha256(salt || data) as stored in audit_log.personal_digest and context_digest. */
export const personalDigest = (p: { salt: Uint8Array; data: string }): Uint8Array =>
  sha256(concat(p.salt, utf8.encode(p.data)));

/** Orders decimal id strings (bigint, xid8) numerically. */
export function compareIds(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function sameBytes(a: Uint8Array | null, b: Uint8Array | null): boolean {
  if (a === null || b === null) return a === b;
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
