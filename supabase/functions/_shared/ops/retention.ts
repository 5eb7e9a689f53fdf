// Retention: raw images deleted N days after a successful OCR, artifact objects moved to archive/
// once their newest use is older than the archive window. The database decides what is due
// (private.retention_due) and records what was done; this moves the bytes. `now` is a parameter:
// tests run it at any date.
import type { Sql } from '../db/client.ts';
import type { BlobStore } from '../storage/blob-store.ts';
import { ARCHIVE_PREFIX } from '../storage/archive-fallback.ts';

export type RetentionPolicy = { imageDays: number; artifactDays: number; batchSize: number };
export const DEFAULT_RETENTION: RetentionPolicy = {
  imageDays: 30,
  artifactDays: 90,
  batchSize: 500,
};

export type RetentionSummary = {
  images_deleted: number;
  artifacts_archived: number;
  batches: number;
};

type Due = {
  action: 'delete_image' | 'archive_artifact';
  storage_path: string;
  receipt_id: string | null;
};

export async function runRetention(
  deps: { sql: Sql; store: BlobStore },
  now: Date,
  policy: RetentionPolicy = DEFAULT_RETENTION,
  maxBatches = 20,
): Promise<RetentionSummary> {
  const summary: RetentionSummary = { images_deleted: 0, artifacts_archived: 0, batches: 0 };
  while (summary.batches < maxBatches) {
    const due = await deps.sql<Due[]>`
      select action, storage_path, receipt_id
      from private.retention_due(${now}, ${policy.imageDays}, ${policy.artifactDays}, ${policy.batchSize})`;
    if (due.length === 0) break;
    summary.batches += 1;
    const images = due.filter((d) => d.action === 'delete_image');
    const artifacts = due.filter((d) => d.action === 'archive_artifact').map((d) => d.storage_path);

    // copy first, delete after: a crash between leaves both copies, and the next run finishes it
    for (const path of artifacts) {
      const bytes = await deps.store.get(path);
      await deps.store.put(ARCHIVE_PREFIX + path, bytes, 'application/json', { ifAbsent: true });
    }
    await deps.store.delete([...images.map((d) => d.storage_path), ...artifacts]);
    await deps.sql`select private.record_retention(${now},
      ${images.map((d) => d.receipt_id as string)}::uuid[], ${artifacts}::text[])`;
    summary.images_deleted += images.length;
    summary.artifacts_archived += artifacts.length;
  }
  return summary;
}
