// Direct-to-storage uploads for large files: the API hands the client a short-lived URL, the
// client PUTs the bytes there, then registers the path. Implemented by the Supabase Storage and S3
// stores; the local stack serves its upload URL from the receipts function itself.

export type SignedUpload = {
  /** Where the client PUTs the raw bytes. */
  url: string;
  /** The credential inside the URL (Supabase: `?token=`), for clients using uploadToSignedUrl. */
  token: string;
  expiresAt: Date;
  /** Headers the client must send with the PUT (besides Content-Type). */
  headers?: Record<string, string>;
};

export interface SignedUploadIssuer {
  /**
   * True when the URL can bound the upload's size only by signing the exact Content-Length (an S3
   * presigned PUT): the client must then say the size up front.
   */
  readonly requiresSize?: boolean;
  createSignedUpload(
    path: string,
    opts: { expiresInSeconds: number; sizeBytes?: number },
  ): Promise<SignedUpload>;
}
