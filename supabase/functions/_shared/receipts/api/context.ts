// What every receipts route is given: its dependencies (injected, so routes are unit-tested with
// fakes for the verifier, the repository and the blob store) and the caller check they share.
import { InsufficientScope, type UserClaims } from '../../auth/jwt.ts';
import type { BlobStore } from '../../storage/blob-store.ts';
import type { SignedUploadIssuer } from '../../storage/signed-upload.ts';
import type { ReceiptRepository } from './repository.ts';

export type ReceiptsApiConfig = {
  /** Largest receipt file accepted (RECEIPT_MAX_BYTES). */
  maxBytes: number;
  /** This function's URL as clients reach it, e.g. https://<ref>.supabase.co/functions/v1/receipts */
  publicUrl: string;
  /** HMAC key of the local upload URLs (required without a SignedUploadIssuer). */
  uploadSecret?: string;
  /** Lifetime of local upload URLs. */
  uploadUrlTtlSeconds: number;
};

export type ReceiptsApiDeps = {
  repository: ReceiptRepository;
  store: BlobStore;
  /** Supabase Storage / S3 signed uploads; absent: this function serves PUT /receipts/uploads/… */
  signedUploads?: SignedUploadIssuer;
  verifier: { verifyUser(req: Request): Promise<UserClaims> };
  /** Upload rate limit per user: returns RateLimit-* headers or throws 429. */
  rateLimit?: (req: Request, userId: string) => Promise<Record<string, string>>;
  config: ReceiptsApiConfig;
  now?: () => number;
  log?: (message: string) => void;
};

export type ReceiptsContext = ReceiptsApiDeps & {
  now: () => number;
  /** publicUrl without a trailing slash */
  baseUrl: string;
  /** The signed-in user behind the request (401/403 otherwise). */
  authenticate(req: Request): Promise<UserClaims>;
  uploadSecret(): string;
};

export function receiptsContext(deps: ReceiptsApiDeps): ReceiptsContext {
  return {
    ...deps,
    now: deps.now ?? Date.now,
    baseUrl: deps.config.publicUrl.replace(/\/$/, ''),
    async authenticate(req) {
      const claims = await deps.verifier.verifyUser(req);
      if (claims.role !== 'authenticated') throw new InsufficientScope();
      return claims;
    },
    uploadSecret() {
      const secret = deps.config.uploadSecret;
      if (!secret) throw new Error('Receipts API: uploadSecret is not configured');
      return secret;
    },
  };
}
