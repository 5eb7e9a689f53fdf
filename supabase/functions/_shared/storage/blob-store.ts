// Object storage behind one interface. Production: Supabase Storage (or any S3 bucket);
// the local stack: a directory. Paths are bucket-relative, `<org>/<user>/<name>` for uploads and
// `artifacts/<sha256>.json` for OCR artifacts.

export interface BlobStore {
  /** Writes bytes at path. With `ifAbsent`, an existing object is kept (content-addressed writes). */
  put(
    path: string,
    bytes: Uint8Array,
    contentType: string,
    opts?: { ifAbsent?: boolean },
  ): Promise<void>;
  /** Reads an object; throws BlobNotFound when it does not exist. */
  get(path: string): Promise<Uint8Array>;
  exists(path: string): Promise<boolean>;
  delete(paths: string[]): Promise<void>;
}

export class BlobNotFound extends Error {
  constructor(readonly path: string) {
    super(`Object not found: ${path}`);
    this.name = 'BlobNotFound';
  }
}

/** Rejects traversal and odd characters before a path reaches any backend. */
export function assertSafePath(path: string): void {
  if (
    !/^[A-Za-z0-9][A-Za-z0-9._/-]*$/.test(path) || path.includes('..') || path.includes('//') ||
    path.endsWith('/')
  ) {
    throw new Error(`Unsafe storage path: ${JSON.stringify(path)}`);
  }
}
