// Staging for Textract's async API. StartExpenseAnalysis reads its document from S3 only
// (`DocumentLocation.S3Object`; there is no Bytes form), so a PDF or TIFF is first put in a
// staging bucket, signed with aws4fetch like every other AWS call, and deleted once its job has
// finished. The key is derived from the receipt alone (`<prefix><organisation>/<receipt>.<ext>`):
// a retried stage overwrites the same object, and cleanup needs nothing stored in the database.
// A worker that dies between start and cleanup leaves the object behind: the bucket's lifecycle
// rule on the prefix (README, "Textract staging bucket") expires it after a day.
//
// Env: TEXTRACT_S3_BUCKET (unset = no staging: PDFs and TIFFs fail with a clear message),
// TEXTRACT_S3_PREFIX (default `textract-staging/`), TEXTRACT_S3_ENDPOINT (default the regional
// S3 endpoint; the local stack points it at its S3 server), AWS_REGION and AWS credentials (the
// bucket must be in Textract's region, and the same principal must be allowed to read it).

import { z } from 'npm:zod@^3.24.4';
import { loadEnv } from '../config/env.ts';
import { s3BlobStore } from '../storage/s3.ts';
import type { S3Object } from './types.ts';

export type StagingRef = { organisationId: string; receiptId: string; contentType: string };

export interface DocumentStaging {
  /** Puts the document where StartExpenseAnalysis can read it. */
  stage(ref: StagingRef, bytes: Uint8Array): Promise<S3Object>;
  /** Deletes the staged copy (a missing one is fine: cleanup may run twice). */
  remove(ref: StagingRef): Promise<void>;
}

export type StagingConfig = {
  endpoint: string;
  region: string;
  bucket: string;
  prefix: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
};

const EXTENSIONS: Record<string, string> = {
  'application/pdf': 'pdf',
  'image/tiff': 'tiff',
  'image/jpeg': 'jpg',
  'image/png': 'png',
};

/** `<prefix><organisation>/<receipt>.<ext>`; ids are checked so a key never escapes the prefix. */
export function stagingKey(prefix: string, ref: StagingRef): string {
  const id = /^[A-Za-z0-9][A-Za-z0-9-]*$/;
  if (!id.test(ref.organisationId) || !id.test(ref.receiptId)) {
    throw new Error(`Unsafe staging ids: ${ref.organisationId}/${ref.receiptId}`);
  }
  const ext = EXTENSIONS[ref.contentType] ?? 'bin';
  return `${prefix}${ref.organisationId}/${ref.receiptId}.${ext}`;
}

/** Null when TEXTRACT_S3_BUCKET is not set; otherwise the validated staging configuration. */
export function loadStagingConfig(
  source: Record<string, string | undefined> = Deno.env.toObject(),
): StagingConfig | null {
  if (!source.TEXTRACT_S3_BUCKET) return null;
  const env = loadEnv({
    TEXTRACT_S3_BUCKET: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'not a bucket name'),
    TEXTRACT_S3_PREFIX: z.string().regex(/^([A-Za-z0-9][A-Za-z0-9._-]*\/)*$/, 'must end with /')
      .default('textract-staging/'),
    TEXTRACT_S3_ENDPOINT: z.string().url().optional(),
    AWS_REGION: z.string().min(1),
    AWS_ACCESS_KEY_ID: z.string().min(1),
    AWS_SECRET_ACCESS_KEY: z.string().min(1),
    AWS_SESSION_TOKEN: z.string().min(1).optional(),
  }, Object.fromEntries(Object.entries(source).filter(([, v]) => v !== '')));
  return {
    endpoint: env.TEXTRACT_S3_ENDPOINT ?? `https://s3.${env.AWS_REGION}.amazonaws.com`,
    region: env.AWS_REGION,
    bucket: env.TEXTRACT_S3_BUCKET,
    prefix: env.TEXTRACT_S3_PREFIX,
    accessKeyId: env.AWS_ACCESS_KEY_ID,
    secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
    sessionToken: env.AWS_SESSION_TOKEN,
  };
}

export function s3DocumentStaging(
  config: StagingConfig,
  deps: { fetch?: typeof fetch } = {},
): DocumentStaging {
  const bucket = s3BlobStore({ ...config, fetch: deps.fetch });
  return {
    async stage(ref, bytes) {
      const key = stagingKey(config.prefix, ref);
      await bucket.put(key, bytes, ref.contentType);
      return { Bucket: config.bucket, Name: key };
    },
    remove: (ref) => bucket.delete([stagingKey(config.prefix, ref)]),
  };
}
