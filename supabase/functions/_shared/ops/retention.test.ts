// Retention against the REAL database (SUPABASE_DB_URL) and a real directory store, with the
// clock under the test's control: fixtures are dated relative to a chosen "now".
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createDb } from '../db/client.ts';
import { localFsBlobStore } from '../storage/local-fs.ts';
import { withArchiveFallback } from '../storage/archive-fallback.ts';
import { runRetention } from './retention.ts';

const DB_URL = Deno.env.get('SUPABASE_DB_URL');
const opts = { sanitizeOps: false, sanitizeResources: false, ignore: !DB_URL };
const DAY = 86_400_000;
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

Deno.test({
  name:
    'retention - images past 30 days after OCR are deleted, artifacts unused for 90 days archived, shared ones kept',
  ...opts,
  fn: async () => {
    const sql = createDb(DB_URL!, { max: 2 });
    const dir = await Deno.makeTempDir({ prefix: 'tallyq-retention-' });
    const store = localFsBlobStore(dir);
    // the fixtures are dated back from now; other receipts in this database settled recently (the
    // test stack is fresh), so only the fixtures can be due
    const now = new Date();
    const at = (daysAgo: number) => new Date(now.getTime() - daysAgo * DAY);
    const userId = crypto.randomUUID();
    try {
      await sql`insert into auth.users (id, email, role, aud)
        values (${userId}, ${`retention-${
        userId.slice(0, 8)
      }@test.tallyq.local`}, 'authenticated', 'authenticated')`;
      const [{ org }] = await sql`select id as org from public.organisations
        where personal and created_by = ${userId}`;
      const receipt = (name: string, processedDaysAgo: number | null, status = 'ocr_done') => ({
        id: crypto.randomUUID(),
        path: `${org}/${userId}/${sha(name + userId)}.jpg`,
        name,
        processedDaysAgo,
        status,
      });
      const old = receipt('old', 31);
      const recent = receipt('recent', 29);
      const failed = receipt('failed', null, 'failed');
      const ancient = receipt('ancient', 120);
      const sharer = receipt('sharer', 10);
      const all = [old, recent, failed, ancient, sharer];
      const artifact = (name: string) => `artifacts/${sha(`artifact-${name}-${userId}`)}.json`;
      const uses = [
        { r: old, path: artifact('lonely-old'), daysAgo: 91 },
        { r: ancient, path: artifact('shared'), daysAgo: 120 },
        { r: sharer, path: artifact('shared'), daysAgo: 10 },
        { r: recent, path: artifact('recent'), daysAgo: 29 },
      ];
      for (const r of all) await store.put(r.path, new TextEncoder().encode(r.name), 'image/jpeg');
      for (const u of uses) {
        await store.put(u.path, new TextEncoder().encode(`{"a":"${u.path}"}`), 'application/json');
      }

      await sql.begin(async (tx) => {
        await tx`set local session_replication_role = replica`; // fixtures only: no queue, no kick
        for (const r of all) {
          const created = at((r.processedDaysAgo ?? 5) + 1);
          await tx`insert into public.receipts (id, organisation_id, owner_id, storage_path, sha256,
              content_type, size_bytes, status, created_at, updated_at, processed_at)
            values (${r.id}, ${org}, ${userId}, ${r.path}, ${sha(r.name)}, 'image/jpeg', 10,
              ${r.status}, ${created}, ${created},
              ${r.processedDaysAgo === null ? null : at(r.processedDaysAgo)})`;
        }
        for (const u of uses) {
          await tx`insert into public.receipt_artifacts (receipt_id, kind, organisation_id, storage_path, sha256, size_bytes, created_at)
            values (${u.r.id}, 'analyze_expense', ${org}, ${u.path}, ${sha(u.path)}, 10, ${
            at(u.daysAgo)
          })`;
        }
      });

      const summary = await runRetention({ sql, store }, now);
      assert.deepEqual(summary, { images_deleted: 2, artifacts_archived: 1, batches: 1 });

      assert.equal(await store.exists(old.path), false, 'image settled 31 days ago: deleted');
      assert.equal(await store.exists(ancient.path), false, 'image settled 120 days ago: deleted');
      assert.equal(await store.exists(recent.path), true, 'image settled 29 days ago: kept');
      assert.equal(await store.exists(failed.path), true, 'never OCRed successfully: kept');
      assert.equal(await store.exists(sharer.path), true);

      assert.equal(await store.exists(artifact('lonely-old')), false, 'unused for 91 days: moved');
      assert.equal(await store.exists(`archive/${artifact('lonely-old')}`), true, '...to archive/');
      assert.equal(
        await store.exists(artifact('shared')),
        true,
        'shared with a 10-day-old receipt: kept',
      );
      assert.equal(await store.exists(artifact('recent')), true);
      assert.equal(
        new TextDecoder().decode(await withArchiveFallback(store).get(artifact('lonely-old'))),
        `{"a":"${artifact('lonely-old')}"}`,
        'readers still find the archived artifact under its old path',
      );

      const deleted = await sql`select receipt_id from private.deleted_receipt_images
        where receipt_id = any(${[old.id, ancient.id]}::uuid[])`;
      assert.equal(deleted.length, 2, 'deletions are recorded');
      const again = await runRetention({ sql, store }, now);
      assert.deepEqual(
        again,
        { images_deleted: 0, artifacts_archived: 0, batches: 0 },
        'idempotent',
      );
      const later = await runRetention({ sql, store }, new Date(now.getTime() + 2 * DAY));
      assert.equal(later.images_deleted, 1, 'two days later the 29-day image is due');
    } finally {
      await sql`delete from private.archived_artifacts where storage_path = any(${
        [
          'lonely-old',
          'shared',
          'recent',
        ].map((n) => `artifacts/${sha(`artifact-${n}-${userId}`)}.json`)
      }::text[])`;
      await sql`delete from public.receipts where owner_id = ${userId}`;
      await sql`delete from auth.users where id = ${userId}`;
      await sql.end();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
