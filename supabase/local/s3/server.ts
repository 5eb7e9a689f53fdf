// Local S3-compatible server (local only, never deployed): s3rver from npm, a real
// implementation of the S3 REST API on the local disk, behind a gate that does what s3rver leaves
// out and AWS does not: every request must carry a valid SigV4 signature (header or presigned
// URL, verified by ../sigv4.ts against the local credentials; anonymous requests are refused),
// and a conditional PUT (`If-None-Match: *`) on an existing key fails with 412. The Textract
// staging bucket lives here, so the worker's staging PUT, the local Textract endpoint's GetObject
// and the cleanup DELETE are the requests AWS gets.
//
//   deno run -A supabase/local/s3/server.ts      (scripts/stack.sh starts it)
//
// Env: LOCAL_S3_PORT (0 = any free port), LOCAL_S3_DIR (data directory), LOCAL_S3_BUCKETS
// (comma-separated buckets to create; default tallyq-textract-staging),
// LOCAL_AWS_ACCESS_KEY_ID / LOCAL_AWS_SECRET_ACCESS_KEY (the only credentials accepted).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import S3rver from 'npm:s3rver@^3.7.1';
import AWSAccount from 'npm:s3rver@^3.7.1/lib/models/account.js';
import { type SigV4Result, verifyPresigned, verifySigV4 } from '../sigv4.ts';

interface S3rverApp {
  configureBuckets(): Promise<void>;
  callback(): (req: IncomingMessage, res: ServerResponse) => void;
  store: { existsObject(bucket: string, key: string): Promise<boolean> };
}

export interface LocalS3Options {
  port: number;
  directory: string;
  buckets: string[];
  credentials: ReadonlyMap<string, string>;
  log?: (line: string) => void;
}

export interface RunningS3 {
  url: string;
  port: number;
  close(): Promise<void>;
}

function s3Error(res: ServerResponse, status: number, code: string, message: string): void {
  res.writeHead(status, { 'content-type': 'application/xml' });
  res.end(
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`,
  );
}

function toHeaders(req: IncomingMessage): Headers {
  const h = new Headers();
  for (const [k, v] of Object.entries(req.headers)) {
    if (v !== undefined) h.set(k, Array.isArray(v) ? v.join(',') : v);
  }
  return h;
}

/** AWS answers a signature failure with 403 and an S3 error code. */
export function authenticate(
  req: { method: string; url: string; headers: Headers },
  credentials: ReadonlyMap<string, string>,
  now?: Date,
): SigV4Result {
  const input = { ...req, body: new Uint8Array() };
  const opts = { credentials, service: 's3', now };
  const presigned = new URL(req.url).searchParams.has('X-Amz-Signature');
  if (!presigned && !req.headers.get('authorization')) {
    return { ok: false, status: 403, code: 'AccessDenied', message: 'Access Denied' };
  }
  const r = presigned ? verifyPresigned(input, opts) : verifySigV4(input, opts);
  if (r.ok) return r;
  const code = r.code === 'InvalidSignatureException'
    ? 'SignatureDoesNotMatch'
    : r.code === 'UnrecognizedClientException'
    ? 'InvalidAccessKeyId'
    : r.code;
  return { ...r, code };
}

export async function startLocalS3(opts: LocalS3Options): Promise<RunningS3> {
  const log = opts.log ?? (() => {});
  // s3rver looks the access key up in its own registry (and only that): ours replace its default.
  AWSAccount.DUMMY_ACCOUNT.revokeAccessKey('S3RVER');
  for (const [id, secret] of opts.credentials) AWSAccount.DUMMY_ACCOUNT.createKeyPair(id, secret);
  // The Koa app without its own listener: s3rver's typings do not declare these members.
  const s3 = new S3rver({
    directory: opts.directory,
    silent: true,
    vhostBuckets: false,
    configureBuckets: opts.buckets.map((name) => ({ name, configs: [] })),
  }) as unknown as S3rverApp;
  await s3.configureBuckets();
  const app = s3.callback();
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const method = req.method ?? 'GET';
    const url = `http://${req.headers.host ?? '127.0.0.1'}${req.url ?? '/'}`;
    const auth = authenticate({ method, url, headers: toHeaders(req) }, opts.credentials);
    if (!auth.ok) {
      log(`${method} ${new URL(url).pathname} ${auth.status} ${auth.code}`);
      req.resume();
      return s3Error(res, auth.status, auth.code, auth.message);
    }
    // S3 conditional writes: If-None-Match: * fails when the key already exists.
    if (method === 'PUT' && req.headers['if-none-match'] === '*') {
      const [, bucket, ...key] = decodeURIComponent(new URL(url).pathname).split('/');
      if (bucket && key.length && await s3.store.existsObject(bucket, key.join('/'))) {
        req.resume();
        return s3Error(res, 412, 'PreconditionFailed', 'At least one of the preconditions failed');
      }
    }
    log(`${method} ${new URL(url).pathname}`);
    app(req, res);
  });
  await new Promise<void>((resolve) => server.listen(opts.port, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

if (import.meta.main) {
  const env = (name: string) => {
    const v = Deno.env.get(name);
    if (!v) throw new Error(`local s3: ${name} is not set`);
    return v;
  };
  const running = await startLocalS3({
    port: Number(env('LOCAL_S3_PORT')),
    directory: env('LOCAL_S3_DIR'),
    buckets: (Deno.env.get('LOCAL_S3_BUCKETS') ?? 'tallyq-textract-staging').split(',')
      .map((b) => b.trim()).filter(Boolean),
    credentials: new Map([[env('LOCAL_AWS_ACCESS_KEY_ID'), env('LOCAL_AWS_SECRET_ACCESS_KEY')]]),
    log: Deno.env.get('LOCAL_S3_LOG') === '1' ? (l) => console.error(`[s3] ${l}`) : undefined,
  });
  console.error(`[s3] listening on ${running.url}`);
  const stop = async () => {
    await running.close();
    Deno.exit(0);
  };
  Deno.addSignalListener('SIGINT', stop);
  Deno.addSignalListener('SIGTERM', stop);
}
