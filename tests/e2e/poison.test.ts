// Poison never wedges the receipt queue (issue 10), end to end on the running test stack: a
// receipt whose printed total no column can hold, and a message that crashed every worker that
// took it, each reach a final state in bounded time while their batch-mates settle normally.
import { spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createUser,
  env,
  pgArray,
  readSample,
  sha256,
  sql,
  storeReceipts,
  waitSettled,
} from '../support/stack.ts';

const EXTRACTED = ['ocr_done', 'needs_review'];

afterAll(async () => {
  await sql.end();
});

/** A plain receipt drawn with ImageMagick, read by the stack's real OCR. */
function drawReceipt(lines: string[]): Uint8Array {
  const args = ['-size', `900x${80 + lines.length * 60}`, 'xc:white', '-fill', 'black'];
  args.push('-font', 'DejaVu-Sans', '-pointsize', '30');
  lines.forEach((l, i) => args.push('-annotate', `+30+${60 + i * 60}`, l));
  args.push('-quality', '92', 'jpg:-');
  const res = spawnSync('convert', args, { maxBuffer: 20 * 1024 * 1024 });
  if (res.status !== 0) throw new Error(`convert failed: ${res.stderr}`);
  return new Uint8Array(res.stdout);
}

describe('receipt pipeline - poison', { timeout: 300_000 }, () => {
  it('a total no column can hold: that receipt lands in needs_review without it, its batch-mates settle', async () => {
    const user = await createUser('poison');
    const poison = drawReceipt([
      'TESTING GOODS TRADING',
      'DATE: 14/03/2026',
      'WIDGET            3.00',
      'TOTAL RM 99999999999999999999.00',
    ]);
    // One insert: one send_batch, so the three travel in one claim and one settle.
    const ids = await storeReceipts([
      { owner: user, bytes: await readSample('X51005268400') },
      { owner: user, bytes: poison },
      { owner: user, bytes: await readSample('X51005361950') },
    ]);

    const rows = await waitSettled(ids, 240_000);
    const byId = new Map(rows.map((r) => [r.id, r]));
    const bad = byId.get(ids[1])!;
    expect(bad.status).toBe('needs_review');
    expect(bad.total).toBeNull();
    expect(bad.field_confidence.total).toBe(0);
    expect(bad.receipt_date).toBeTruthy(); // what fits is kept
    // the OCR read the total; the worker dropped it, and says so on the result event
    const [result] = await sql`select metadata from public.receipt_events
      where receipt_id = ${ids[1]} and event_type = 'needs_review'`;
    expect(result.metadata.dropped).toEqual(['total']);
    for (const id of [ids[0], ids[2]]) {
      expect(EXTRACTED).toContain(byId.get(id)!.status);
      expect(byId.get(id)!.total).not.toBeNull();
    }
    const queued = await sql`select count(*)::int as n from pgmq.q_receipt_ocr
      where message ->> 'receipt_id' = any(${pgArray(ids)}::text[])`;
    expect(queued[0].n).toBe(0);
  });

  it('a message that crashed every worker that took it is dead-lettered at the next claim; its batch-mates settle', async () => {
    const user = await createUser('crashloop');
    const [crash, mateA, mateB] = await Promise.all(
      ['X51005433533', 'X51005442397', 'X51005444037'].map(readSample),
    );
    // Five workers took the crashing receipt's message and died before settling: five real
    // pgmq deliveries, taken in the inserting transaction so no live worker gets it first.
    const path = `${user.orgId}/${user.id}/${sha256(crash)}.jpg`;
    await mkdir(dirname(join(env('LOCAL_STORAGE_DIR'), path)), { recursive: true });
    await writeFile(join(env('LOCAL_STORAGE_DIR'), path), crash);
    const id = await sql.begin(async (tx) => {
      const [row] = await tx`insert into public.receipts
          (organisation_id, owner_id, storage_path, sha256, content_type, size_bytes)
        values (${user.orgId}, ${user.id}, ${path}, ${
        sha256(crash)
      }, 'image/jpeg', ${crash.byteLength})
        returning id`;
      for (let i = 0; i < 5; i++) {
        await tx`select msg_id from pgmq.read('receipt_ocr', 0, 1, ${
          sql.json({ receipt_id: row.id })
        }::jsonb)`;
      }
      return row.id as string;
    });
    const mates = await storeReceipts([
      { owner: user, bytes: mateA },
      { owner: user, bytes: mateB },
    ]);

    const rows = await waitSettled([id, ...mates], 240_000);
    const crashed = rows.find((r) => r.id === id)!;
    expect(crashed.status).toBe('failed');
    expect(crashed.last_error).toBe('Delivered 6 times without a settle (limit 5)');
    for (const r of rows.filter((r) => r.id !== id)) expect(EXTRACTED).toContain(r.status);
    const dlq = await sql`select message ->> 'reason' as reason from pgmq.q_receipt_ocr_dlq
      where message ->> 'receipt_id' = ${id}`;
    expect(dlq).toHaveLength(1);
    expect(dlq[0].reason).toBe(crashed.last_error);
  });
});
