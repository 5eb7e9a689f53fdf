// Opaque keyset cursors for receipt lists ordered by (created_at desc, id desc). The timestamp is
// kept as Postgres printed it, so microseconds survive the round trip through JavaScript.

import { z } from 'npm:zod@^3.24.4';
import { BadRequest } from '../../http/errors.ts';

export type Cursor = { createdAt: string; id: string };

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,6})?([+-]\d{2}(:?\d{2})?|Z)$/;
const schema = z.tuple([
  z.string().regex(TIMESTAMP),
  z.string().uuid(),
]);

function toBase64Url(text: string): string {
  const bytes = new TextEncoder().encode(text);
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(
    /=+$/,
    '',
  );
}

function fromBase64Url(text: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) throw new Error('not base64url');
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  return new TextDecoder('utf-8', { fatal: true }).decode(
    Uint8Array.from(binary, (c) => c.charCodeAt(0)),
  );
}

export function encodeCursor(cursor: Cursor): string {
  return toBase64Url(JSON.stringify([cursor.createdAt, cursor.id]));
}

/** Decodes a cursor from `encodeCursor`; anything else is a 400 `invalid_cursor`. */
export function decodeCursor(text: string): Cursor {
  try {
    if (text.length > 200) throw new Error('too long');
    const parsed = schema.safeParse(JSON.parse(fromBase64Url(text)));
    if (!parsed.success) throw new Error('malformed');
    return { createdAt: parsed.data[0], id: parsed.data[1] };
  } catch {
    throw new BadRequest('Invalid cursor', 'invalid_cursor');
  }
}
