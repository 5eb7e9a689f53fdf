// The vendor directory under concurrency, with two Postgres sessions: applying the directory never
// waits on a receipt that another transaction is writing, and the shop's next reading corrects
// that receipt afterwards.
import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { createUser, env, sql, type TestUser } from '../support/stack.ts';

const other = postgres(env('SUPABASE_DB_URL'), { max: 1, onnotice: () => {} });
afterAll(() => other.end());

/** Extracted receipts inserted without the enqueue trigger, so no worker touches them. */
function quietReceipts(owner: TestUser, n: number): Promise<string[]> {
  const seed = randomUUID();
  return sql.begin(async (tx) => {
    await tx`set local session_replication_role = replica`;
    const rows = await tx`
      insert into public.receipts
        (organisation_id, owner_id, storage_path, sha256, content_type, size_bytes, status)
      select ${owner.orgId}, ${owner.id}, ${owner.orgId} || '/' || ${owner.id} || '/' || g || '.jpg',
             encode(sha256(convert_to(${seed} || g, 'UTF8')), 'hex'), 'image/jpeg', 1, 'ocr_done'
      from generate_series(1, ${n}) as g
      returning id`;
    return rows.map((r) => r.id as string);
  }) as Promise<string[]>;
}

/** Writes a vendor reading the way settle does (one UPDATE; the directory trigger runs after it). */
async function read(id: string, vendor: string, taxId: string, confidence: number) {
  await sql.begin(async (tx) => {
    // A wait on another session's lock fails the test instead of hanging it.
    await tx`set local lock_timeout = '5s'`;
    await tx`update public.receipts
      set vendor = ${vendor}, vendor_tax_id = ${taxId},
          field_confidence = jsonb_build_object('vendor', ${confidence}::numeric)
      where id = ${id}`;
  });
}

const vendorOf = async (id: string) =>
  (await sql`select vendor from public.receipts where id = ${id}`)[0].vendor;

describe('vendor directory - concurrency', () => {
  it('does not wait for a receipt another transaction holds; the next reading corrects it', async () => {
    const owner = await createUser('directory-lock');
    const [a, b, c] = await quietReceipts(owner, 3);
    await read(b, 'WEAK NAME', '000111222333', 0.3);

    // Another session holds b (as a worker settling it would) while a better reading arrives.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const holder = other.begin(async (tx) => {
      await tx`select 1 from public.receipts where id = ${b} for update`;
      locked();
      await held;
    });
    await isLocked;
    await read(a, 'STRONG NAME', '000111222333', 0.9);
    expect(await vendorOf(a)).toBe('STRONG NAME');
    expect(await vendorOf(b)).toBe('WEAK NAME'); // skipped while held, not waited for
    release();
    await holder;

    await read(c, 'STRONG NAM', '000111222333', 0.5);
    expect([await vendorOf(b), await vendorOf(c)]).toEqual(['STRONG NAME', 'STRONG NAME']);
    const [entry] = await sql`select vendor, source_receipt_id from public.vendor_directory
      where organisation_id = ${owner.orgId} and tax_id = '000111222333'`;
    expect(entry).toEqual({ vendor: 'STRONG NAME', source_receipt_id: a });
  });
});
