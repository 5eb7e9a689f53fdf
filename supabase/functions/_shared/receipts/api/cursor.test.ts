import assert from 'node:assert/strict';
import { decodeCursor, encodeCursor } from './cursor.ts';

const id = '3f0c1a52-7d7e-4b8e-9a43-2f8e1f0b9c11';

Deno.test('cursor - round-trips a Postgres timestamp with microseconds and the id', () => {
  const cursor = { createdAt: '2026-11-22 10:15:30.123456+00', id };
  const text = encodeCursor(cursor);
  assert.match(text, /^[A-Za-z0-9_-]+$/);
  assert.deepEqual(decodeCursor(text), cursor);
});

Deno.test('cursor - accepts ISO timestamps', () => {
  const cursor = { createdAt: '2026-11-22T10:15:30Z', id };
  assert.deepEqual(decodeCursor(encodeCursor(cursor)), cursor);
});

Deno.test('cursor - garbage is a 400 invalid_cursor', () => {
  for (const bad of ['', 'not a cursor', '!!!', 'eyJ4IjoxfQ', 'a'.repeat(500)]) {
    assert.throws(() => decodeCursor(bad), { status: 400, code: 'invalid_cursor' }, bad);
  }
});

Deno.test('cursor - a well-encoded cursor with a bad id or timestamp is refused', () => {
  const enc = (v: unknown) => btoa(JSON.stringify(v)).replace(/=+$/, '');
  assert.throws(() => decodeCursor(enc(['2026-11-22 10:15:30+00', 'nope'])), { status: 400 });
  assert.throws(() => decodeCursor(enc(["1'; drop table x;--", id])), { status: 400 });
});
