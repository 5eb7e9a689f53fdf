// BlobStore over a local directory, for the local stack and tests (never used on hosted Supabase).
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { assertSafePath, BlobNotFound, type BlobStore } from './blob-store.ts';

export function localFsBlobStore(root: string): BlobStore {
  const full = (path: string) => {
    assertSafePath(path);
    return join(root, path);
  };
  return {
    async put(path, bytes, _contentType, opts) {
      const target = full(path);
      if (opts?.ifAbsent && await exists(target)) return;
      await mkdir(dirname(target), { recursive: true });
      // write-then-rename: readers never see a half-written object
      const tmp = `${target}.${crypto.randomUUID()}.tmp`;
      await writeFile(tmp, bytes);
      await rename(tmp, target);
    },
    async get(path) {
      try {
        return new Uint8Array(await readFile(full(path)));
      } catch (err) {
        if ((err as { code?: string }).code === 'ENOENT') throw new BlobNotFound(path);
        throw err;
      }
    },
    exists: (path) => exists(full(path)),
    async size(path) {
      try {
        return (await stat(full(path))).size;
      } catch (err) {
        if ((err as { code?: string }).code === 'ENOENT') return null;
        throw err;
      }
    },
    async delete(paths) {
      await Promise.all(paths.map((p) => rm(full(p), { force: true })));
    },
  };
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}
