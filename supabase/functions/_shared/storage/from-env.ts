// The one place that picks the storage backend: STORAGE_DRIVER=local|supabase|s3 (default
// supabase, as on hosted Supabase).
//   local    LOCAL_STORAGE_DIR (the local stack; uploads via the receipts function's own URL)
//   supabase SUPABASE_URL + the project's secret key (SUPABASE_SECRET_KEYS, or the legacy
//            SUPABASE_SERVICE_ROLE_KEY; both provided by the platform), STORAGE_BUCKET (default receipts)
//   s3       S3_ENDPOINT, S3_REGION, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY, S3_BUCKET
//            (default STORAGE_BUCKET), optional S3_SESSION_TOKEN

import { z } from 'npm:zod@^3.24.4';
import { ConfigError, loadEnv } from '../config/env.ts';
import { serviceKeyFromEnv } from '../config/platform-keys.ts';
import type { BlobStore } from './blob-store.ts';
import { localFsBlobStore } from './local-fs.ts';
import { s3BlobStore } from './s3.ts';
import type { SignedUploadIssuer } from './signed-upload.ts';
import { supabaseStorageBlobStore } from './supabase-storage.ts';

export type StorageDriver = 'local' | 'supabase' | 's3';

export type Storage = {
  driver: StorageDriver;
  bucket: string;
  store: BlobStore;
  /** Absent for `local`: the receipts function serves signed uploads itself. */
  signedUploads?: SignedUploadIssuer;
};

export function storageFromEnv(
  source: Record<string, string | undefined> = Deno.env.toObject(),
): Storage {
  const { STORAGE_DRIVER: driver, STORAGE_BUCKET: bucket } = loadEnv({
    STORAGE_DRIVER: z.enum(['local', 'supabase', 's3']).default('supabase'),
    STORAGE_BUCKET: z.string().min(3).default('receipts'),
  }, source);
  if (driver === 'local') {
    const env = loadEnv({ LOCAL_STORAGE_DIR: z.string().min(1) }, source);
    return { driver, bucket, store: localFsBlobStore(env.LOCAL_STORAGE_DIR) };
  }
  if (driver === 'supabase') {
    const env = loadEnv({ SUPABASE_URL: z.string().url() }, source);
    const serviceRoleKey = serviceKeyFromEnv(source);
    if (!serviceRoleKey) {
      throw new ConfigError(
        'Invalid configuration: SUPABASE_SECRET_KEYS or SUPABASE_SERVICE_ROLE_KEY is required for STORAGE_DRIVER=supabase',
      );
    }
    const store = supabaseStorageBlobStore({
      url: env.SUPABASE_URL,
      serviceRoleKey,
      bucket,
    });
    return { driver, bucket, store, signedUploads: store };
  }
  const env = loadEnv({
    S3_ENDPOINT: z.string().url(),
    S3_REGION: z.string().min(1),
    S3_ACCESS_KEY_ID: z.string().min(1),
    S3_SECRET_ACCESS_KEY: z.string().min(1),
    S3_SESSION_TOKEN: z.string().min(1).optional(),
    S3_BUCKET: z.string().min(3).optional(),
  }, source);
  const store = s3BlobStore({
    endpoint: env.S3_ENDPOINT,
    region: env.S3_REGION,
    bucket: env.S3_BUCKET ?? bucket,
    accessKeyId: env.S3_ACCESS_KEY_ID,
    secretAccessKey: env.S3_SECRET_ACCESS_KEY,
    sessionToken: env.S3_SESSION_TOKEN,
  });
  return { driver, bucket: env.S3_BUCKET ?? bucket, store, signedUploads: store };
}

/** Just the BlobStore (for the worker and other readers). */
export function blobStoreFromEnv(
  source: Record<string, string | undefined> = Deno.env.toObject(),
): BlobStore {
  return storageFromEnv(source).store;
}
