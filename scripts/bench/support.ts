// What the pipeline benchmarks share besides users and tokens (tests/support/users.ts, shared with
// the end-to-end tests): receipts stored in bulk, kick suppression, unique image bytes, small
// statistics. Bench-only; nothing here is deployed.
import { randomBytes } from 'node:crypto';
import { link, mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type postgres from 'postgres';
import { sha256Hex } from '../../supabase/functions/_shared/crypto/sha256.ts';
import type { Owner } from '../../tests/support/users.ts';

export type Image = { name: string; bytes: Uint8Array; sha: string; src: string };

/** Keeps one copy of each image under dir, so receipts' blobs can be hard links to it. */
export async function stageImages(
  dir: string,
  items: { name: string; bytes: Uint8Array }[],
): Promise<Image[]> {
  await mkdir(dir, { recursive: true });
  return await Promise.all(items.map(async ({ name, bytes }) => {
    const sha = sha256Hex(bytes);
    const src = join(dir, `${sha}.jpg`);
    if (!(await stat(src).catch(() => null))) await writeFile(src, bytes);
    return { name, bytes, sha, src };
  }));
}

/**
 * Stores every image once per owner the way the upload API does (blob at
 * <org>/<owner>/<sha>.jpg, a hard link to the staged copy; then one insert whose trigger enqueues
 * every row in one send_batch). Returns the receipt ids.
 */
export async function storeReceipts(
  sql: postgres.Sql,
  storageDir: string,
  owners: Owner[],
  images: Image[],
): Promise<string[]> {
  const rows: Record<string, unknown>[] = [];
  for (const owner of owners) {
    await mkdir(join(storageDir, owner.orgId, owner.id), { recursive: true });
    for (const img of images) {
      const path = `${owner.orgId}/${owner.id}/${img.sha}.jpg`;
      const target = join(storageDir, path);
      await link(img.src, target).catch(async (err) => {
        if ((err as { code?: string }).code === 'EXDEV') await writeFile(target, img.bytes);
        else if ((err as { code?: string }).code !== 'EEXIST') throw err;
      });
      rows.push({
        organisation_id: owner.orgId,
        owner_id: owner.id,
        storage_path: path,
        sha256: img.sha,
        content_type: 'image/jpeg',
        size_bytes: img.bytes.byteLength,
      });
    }
  }
  const ids: string[] = [];
  for (let i = 0; i < rows.length; i += 2000) {
    const chunk = rows.slice(i, i + 2000);
    const inserted = await sql`insert into public.receipts ${
      sql(
        chunk,
        'organisation_id',
        'owner_id',
        'storage_path',
        'sha256',
        'content_type',
        'size_bytes',
      )
    } returning id`;
    ids.push(...inserted.map((r) => r.id as string));
  }
  return ids;
}

const URL_SECRET = 'tallyq_functions_url';
const PARKED = `${URL_SECRET}__bench_parked`;

/**
 * Turns the enqueue trigger's (and the cron sweep's) pg_net kick off or on, by parking the Vault
 * secret that holds the functions URL: without it private.kick_function only warns.
 */
export async function setKick(sql: postgres.Sql, on: boolean): Promise<void> {
  if (on) {
    await sql`update vault.secrets set name = ${URL_SECRET} where name = ${PARKED}
      and not exists (select 1 from vault.secrets where name = ${URL_SECRET})`;
  } else {
    await sql`update vault.secrets set name = ${PARKED} where name = ${URL_SECRET}`;
  }
}

/** The same JPEG with a random comment segment after SOI: new sha256, same pixels. */
export function uniqueJpeg(bytes: Uint8Array): Uint8Array {
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) throw new Error('not a JPEG');
  const tag = new TextEncoder().encode(`bench ${randomBytes(8).toString('hex')}`);
  const seg = new Uint8Array(4 + tag.length);
  seg.set([0xff, 0xfe, 0, tag.length + 2]);
  seg.set(tag, 4);
  const out = new Uint8Array(bytes.length + seg.length);
  out.set(bytes.subarray(0, 2), 0);
  out.set(seg, 2);
  out.set(bytes.subarray(2), 2 + seg.length);
  return out;
}

export const median = (xs: number[]) => percentile(xs, 50);

export function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const rank = (p / 100) * (s.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return s[lo] + (s[hi] - s[lo]) * (rank - lo);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const loadavg = async () =>
  (await Deno.readTextFile('/proc/loadavg')).split(' ').slice(0, 3).join(' ');
