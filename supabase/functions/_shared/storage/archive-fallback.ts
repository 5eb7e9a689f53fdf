// Retention moves old OCR artifacts to archive/<path>; readers keep asking for <path>. This store
// answers from the archive when the original is gone, so rederive and the API never notice.
import { BlobNotFound, type BlobStore } from './blob-store.ts';

export const ARCHIVE_PREFIX = 'archive/';

export function withArchiveFallback(store: BlobStore): BlobStore {
  return {
    put: (path, bytes, contentType, opts) => store.put(path, bytes, contentType, opts),
    async get(path) {
      try {
        return await store.get(path);
      } catch (err) {
        if (!(err instanceof BlobNotFound) || path.startsWith(ARCHIVE_PREFIX)) throw err;
        return await store.get(ARCHIVE_PREFIX + path);
      }
    },
    async exists(path) {
      return (await store.exists(path)) ||
        (!path.startsWith(ARCHIVE_PREFIX) && await store.exists(ARCHIVE_PREFIX + path));
    },
    async size(path) {
      const size = await store.size(path);
      if (size !== null || path.startsWith(ARCHIVE_PREFIX)) return size;
      return await store.size(ARCHIVE_PREFIX + path);
    },
    delete: (paths) => store.delete(paths),
  };
}
