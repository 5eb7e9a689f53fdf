// BlobStore over any S3-compatible bucket (AWS S3, Supabase Storage's S3 protocol, MinIO, R2)
// with aws4fetch (SigV4). Content-addressed writes use `If-None-Match: *` (S3 conditional
// writes); signed uploads are presigned PUT URLs.

import { AwsClient } from 'npm:aws4fetch@^1.0.20';
import { assertSafePath, BlobNotFound, type BlobStore, contentLength } from './blob-store.ts';
import type { SignedUpload, SignedUploadIssuer } from './signed-upload.ts';

export type S3Config = {
  /** e.g. https://s3.eu-west-1.amazonaws.com or https://<ref>.supabase.co/storage/v1/s3 */
  endpoint: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  fetch?: typeof fetch;
};

export class S3Error extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = 'S3Error';
  }
}

const encodeKey = (path: string) => path.split('/').map(encodeURIComponent).join('/');

export function s3BlobStore(config: S3Config): BlobStore & SignedUploadIssuer {
  const client = new AwsClient({
    accessKeyId: config.accessKeyId,
    secretAccessKey: config.secretAccessKey,
    sessionToken: config.sessionToken,
    region: config.region,
    service: 's3',
    retries: 2,
  });
  const doFetch = config.fetch ?? fetch;
  // Path-style addressing works with every S3-compatible service.
  const objectUrl = (path: string) => {
    assertSafePath(path);
    return `${config.endpoint.replace(/\/$/, '')}/${encodeURIComponent(config.bucket)}/${
      encodeKey(path)
    }`;
  };
  const send = async (url: string, init: RequestInit) => doFetch(await client.sign(url, init));
  const fail = async (res: Response, what: string): Promise<never> => {
    const text = await res.text().catch(() => '');
    throw new S3Error(res.status, `S3 ${what} failed (${res.status}): ${text.slice(0, 300)}`);
  };

  return {
    async put(path, bytes, contentType, opts) {
      const headers: Record<string, string> = { 'content-type': contentType };
      if (opts?.ifAbsent) headers['if-none-match'] = '*';
      const res = await send(objectUrl(path), {
        method: 'PUT',
        headers,
        body: bytes as Uint8Array<ArrayBuffer>,
      });
      if (res.ok) return void (await res.body?.cancel());
      if (opts?.ifAbsent && (res.status === 412 || res.status === 409)) {
        return void (await res.body?.cancel());
      }
      await fail(res, 'put');
    },
    async get(path) {
      const res = await send(objectUrl(path), { method: 'GET' });
      if (res.ok) return new Uint8Array(await res.arrayBuffer());
      if (res.status === 404) {
        await res.body?.cancel();
        throw new BlobNotFound(path);
      }
      return await fail(res, 'get');
    },
    async exists(path) {
      const res = await send(objectUrl(path), { method: 'HEAD' });
      await res.body?.cancel();
      if (res.ok) return true;
      if (res.status === 404) return false;
      throw new S3Error(res.status, `S3 head failed (${res.status})`);
    },
    async size(path) {
      const res = await send(objectUrl(path), { method: 'HEAD' });
      await res.body?.cancel();
      if (res.status === 404) return null;
      if (!res.ok) throw new S3Error(res.status, `S3 head failed (${res.status})`);
      return contentLength(res, path);
    },
    async delete(paths) {
      for (const path of paths) {
        const res = await send(objectUrl(path), { method: 'DELETE' });
        if (!res.ok && res.status !== 404) await fail(res, 'delete');
        await res.body?.cancel();
      }
    },
    requiresSize: true,
    async createSignedUpload(path, { expiresInSeconds, sizeBytes }): Promise<SignedUpload> {
      // A presigned PUT has no size range: the exact Content-Length is signed, so S3 refuses any
      // other size (SignatureDoesNotMatch). Without a size there would be no limit at all.
      if (!sizeBytes || !Number.isSafeInteger(sizeBytes) || sizeBytes < 1) {
        throw new Error('An S3 signed upload needs the exact size to sign');
      }
      const url = new URL(objectUrl(path));
      url.searchParams.set('X-Amz-Expires', String(expiresInSeconds));
      // The exact Content-Length is signed (no size range in a presigned PUT), and so is
      // If-None-Match: *, so the URL can only create the object, once: a second PUT (or one
      // without the header, or of another size) fails.
      const headers = { 'content-length': String(sizeBytes), 'if-none-match': '*' };
      const signed = await client.sign(url.toString(), {
        method: 'PUT',
        headers,
        // aws4fetch leaves content-length unsigned unless told to sign every header given.
        aws: { signQuery: true, allHeaders: true },
      });
      const signedUrl = new URL(signed.url);
      return {
        url: signed.url,
        token: signedUrl.searchParams.get('X-Amz-Signature') ?? '',
        expiresAt: new Date(Date.now() + expiresInSeconds * 1000),
        headers,
      };
    },
  };
}
