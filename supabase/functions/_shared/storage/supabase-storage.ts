// BlobStore over the Supabase Storage REST API (production), with the service role key: the
// function has already checked who may touch which path. Endpoints as storage-js calls them:
//   POST   /storage/v1/object/<bucket>/<path>              upload (x-upsert: true|false)
//   GET    /storage/v1/object/<bucket>/<path>              download
//   HEAD   /storage/v1/object/<bucket>/<path>              exists
//   DELETE /storage/v1/object/<bucket>   {prefixes:[…]}    delete
//   POST   /storage/v1/object/upload/sign/<bucket>/<path>  signed upload URL (valid 2 hours)

import { assertSafePath, BlobNotFound, type BlobStore, contentLength } from './blob-store.ts';
import type { SignedUpload, SignedUploadIssuer } from './signed-upload.ts';

export type SupabaseStorageConfig = {
  /** Project URL, e.g. https://<ref>.supabase.co */
  url: string;
  serviceRoleKey: string;
  bucket: string;
  fetch?: typeof fetch;
};

/** Storage's fixed lifetime of signed upload URLs. */
export const SIGNED_UPLOAD_TTL_SECONDS = 2 * 60 * 60;

export class StorageError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = 'StorageError';
  }
}

const encodePath = (path: string) => path.split('/').map(encodeURIComponent).join('/');

/** Storage answers some errors as HTTP 400 with the real status in the body's `statusCode`. */
async function errorStatus(res: Response): Promise<{ status: number; message: string }> {
  const text = await res.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { statusCode?: string | number; message?: string };
    const status = Number(body.statusCode ?? res.status);
    return { status: Number.isFinite(status) ? status : res.status, message: body.message ?? text };
  } catch {
    return { status: res.status, message: text || res.statusText };
  }
}

export function supabaseStorageBlobStore(
  config: SupabaseStorageConfig,
): BlobStore & SignedUploadIssuer {
  const doFetch = config.fetch ?? fetch;
  const base = `${config.url.replace(/\/$/, '')}/storage/v1`;
  const auth = { authorization: `Bearer ${config.serviceRoleKey}`, apikey: config.serviceRoleKey };
  const objectUrl = (path: string) => {
    assertSafePath(path);
    return `${base}/object/${encodeURIComponent(config.bucket)}/${encodePath(path)}`;
  };
  const fail = async (res: Response, what: string): Promise<never> => {
    const { status, message } = await errorStatus(res);
    throw new StorageError(status, `Storage ${what} failed (${status}): ${message}`);
  };

  return {
    async put(path, bytes, contentType, opts) {
      const res = await doFetch(objectUrl(path), {
        method: 'POST',
        headers: {
          ...auth,
          'content-type': contentType,
          'cache-control': 'max-age=3600',
          'x-upsert': opts?.ifAbsent ? 'false' : 'true',
        },
        body: bytes as Uint8Array<ArrayBuffer>,
      });
      if (res.ok) return void (await res.body?.cancel());
      const { status, message } = await errorStatus(res);
      if (opts?.ifAbsent && status === 409) return; // already there: content-addressed, keep it
      throw new StorageError(status, `Storage upload failed (${status}): ${message}`);
    },
    async get(path) {
      const res = await doFetch(objectUrl(path), { headers: auth });
      if (res.ok) return new Uint8Array(await res.arrayBuffer());
      const { status, message } = await errorStatus(res);
      if (status === 404) throw new BlobNotFound(path);
      throw new StorageError(status, `Storage download failed (${status}): ${message}`);
    },
    async exists(path) {
      const res = await doFetch(objectUrl(path), { method: 'HEAD', headers: auth });
      await res.body?.cancel();
      if (res.ok) return true;
      if (res.status === 404 || res.status === 400) return false;
      throw new StorageError(res.status, `Storage exists check failed (${res.status})`);
    },
    async size(path) {
      const res = await doFetch(objectUrl(path), { method: 'HEAD', headers: auth });
      await res.body?.cancel();
      if (res.status === 404 || res.status === 400) return null;
      if (!res.ok) throw new StorageError(res.status, `Storage head failed (${res.status})`);
      return contentLength(res, path);
    },
    async delete(paths) {
      if (paths.length === 0) return;
      paths.forEach(assertSafePath);
      const res = await doFetch(`${base}/object/${encodeURIComponent(config.bucket)}`, {
        method: 'DELETE',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ prefixes: paths }),
      });
      if (!res.ok) await fail(res, 'delete');
      await res.body?.cancel();
    },
    async createSignedUpload(path): Promise<SignedUpload> {
      assertSafePath(path);
      const res = await doFetch(
        `${base}/object/upload/sign/${encodeURIComponent(config.bucket)}/${encodePath(path)}`,
        { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{}' },
      );
      if (!res.ok) await fail(res, 'signed upload');
      const data = await res.json() as { url?: string };
      if (!data.url) throw new StorageError(502, 'Storage returned no signed upload URL');
      const url = new URL(base + data.url);
      const token = url.searchParams.get('token');
      if (!token) throw new StorageError(502, 'Storage returned a signed upload URL without token');
      return {
        url: url.toString(),
        token,
        expiresAt: new Date(Date.now() + SIGNED_UPLOAD_TTL_SECONDS * 1000),
        headers: { 'x-upsert': 'false' },
      };
    },
  };
}
