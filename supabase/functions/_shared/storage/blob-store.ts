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
  /**
   * The object's size in bytes without reading it (HEAD / stat), or null when it does not exist:
   * callers check a size limit before any byte is read into memory.
   */
  size(path: string): Promise<number | null>;
  delete(paths: string[]): Promise<void>;
}

export class BlobNotFound extends Error {
  constructor(readonly path: string) {
    super(`Object not found: ${path}`);
    this.name = 'BlobNotFound';
  }
}

/** The Content-Length of a HEAD answer; a store that sends none cannot be size-checked safely. */
export function contentLength(res: Response, path: string): number {
  const n = Number(res.headers.get('content-length'));
  if (res.headers.get('content-length') === null || !Number.isSafeInteger(n) || n < 0) {
    throw new Error(`No Content-Length for ${path}: its size cannot be checked`);
  }
  return n;
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
