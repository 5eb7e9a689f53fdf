// The receipts API's configuration from env, validated once: limits, its public URL and the key
// of the local upload URLs (RECEIPT_UPLOAD_SECRET, else derived from TALLYQ_JWT_SECRET).
import { z } from 'npm:zod@^3.24.4';
import { loadEnv } from '../../config/env.ts';
import { sha256Hex } from '../../crypto/sha256.ts';
import type { ReceiptsApiConfig } from './context.ts';
import { DEFAULT_MAX_BYTES } from './upload.ts';

const receiptsApiEnv = {
  SUPABASE_DB_URL: z.string().min(1),
  SUPABASE_URL: z.string().url(),
  TALLYQ_JWT_SECRET: z.string().min(32).optional(),
  RECEIPT_MAX_BYTES: z.coerce.number().int().positive().default(DEFAULT_MAX_BYTES),
  RECEIPTS_PUBLIC_URL: z.string().url().optional(),
  RECEIPT_UPLOAD_SECRET: z.string().min(32).optional(),
  RECEIPT_UPLOAD_URL_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(900),
};

export function loadReceiptsApiConfig(
  source: Record<string, string | undefined> = Deno.env.toObject(),
): ReceiptsApiConfig & { dbUrl: string } {
  const env = loadEnv(receiptsApiEnv, source);
  const jwtSecret = env.TALLYQ_JWT_SECRET;
  const base = env.SUPABASE_URL.replace(/\/$/, '');
  return {
    dbUrl: env.SUPABASE_DB_URL,
    maxBytes: env.RECEIPT_MAX_BYTES,
    publicUrl: env.RECEIPTS_PUBLIC_URL ?? `${base}/functions/v1/receipts`,
    uploadSecret: env.RECEIPT_UPLOAD_SECRET ??
      (jwtSecret ? sha256Hex(`tallyq-receipt-uploads:${jwtSecret}`) : undefined),
    uploadUrlTtlSeconds: env.RECEIPT_UPLOAD_URL_TTL_SECONDS,
  };
}
