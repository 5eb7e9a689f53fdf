// Chooses the BlobStore implementation from env, in one place (STORAGE_DRIVER=local|supabase|s3).
import type { BlobStore } from './blob-store.ts';
import { localFsBlobStore } from './local-fs.ts';

export function blobStoreFromEnv(env: Record<string, string | undefined>): BlobStore {
  const driver = env.STORAGE_DRIVER ?? 'supabase';
  if (driver === 'local') {
    if (!env.LOCAL_STORAGE_DIR) throw new Error('STORAGE_DRIVER=local needs LOCAL_STORAGE_DIR');
    return localFsBlobStore(env.LOCAL_STORAGE_DIR);
  }
  throw new Error(`Unsupported STORAGE_DRIVER: ${driver}`);
}
