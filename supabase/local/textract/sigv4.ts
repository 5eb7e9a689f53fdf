// SigV4 verification for the local Textract endpoint: recomputes the canonical request and the
// signature from the local credentials and rejects a mismatch the way AWS does (403 with
// `{"__type": "InvalidSignatureException", "message": …}`, UnrecognizedClientException for an
// unknown access key). Header-signed requests only — what aws4fetch and the AWS SDKs send.

import { createHmac, timingSafeEqual } from 'node:crypto';
import { Buffer } from 'node:buffer';
import { sha256Hex } from '../../functions/_shared/crypto/sha256.ts';

export interface SigV4Request {
  method: string;
  url: string;
  headers: Headers;
  body: Uint8Array;
}

export type SigV4Result =
  | { ok: true; accessKeyId: string; region: string; service: string }
  | { ok: false; status: number; code: string; message: string };

export interface VerifyOptions {
  /** accessKeyId → secretAccessKey */
  credentials: ReadonlyMap<string, string>;
  service: string;
  now?: Date;
  /** AWS allows 15 minutes of clock skew. */
  maxSkewMs?: number;
}

const AUTH_RE =
  /^AWS4-HMAC-SHA256\s+Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;_.-]+),\s*Signature=([0-9a-f]{64})$/;

const fail = (status: number, code: string, message: string): SigV4Result => ({
  ok: false,
  status,
  code,
  message,
});

function encodeRfc3986(s: string): string {
  return s.replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

/** Non-S3 services sign the path URI-encoded twice (the URL's path is already encoded once). */
export function canonicalPath(pathname: string): string {
  const normalised = pathname.replace(/\/+/g, '/') || '/';
  return encodeRfc3986(encodeURIComponent(normalised).replace(/%2F/g, '/'));
}

export function canonicalQuery(search: URLSearchParams): string {
  return [...search]
    .filter(([k]) => k !== '')
    .map(([k, v]) => [encodeRfc3986(encodeURIComponent(k)), encodeRfc3986(encodeURIComponent(v))])
    .sort(([k1, v1], [k2, v2]) => (k1 < k2 ? -1 : k1 > k2 ? 1 : v1 < v2 ? -1 : v1 > v2 ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

const hmac = (key: string | Uint8Array, data: string) =>
  new Uint8Array(createHmac('sha256', key).update(data).digest());

/** Parses "20240102T030405Z". */
function parseAmzDate(s: string): Date | null {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  if (!m) return null;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]));
  return Number.isNaN(d.getTime()) ? null : d;
}

export function verifySigV4(req: SigV4Request, opts: VerifyOptions): SigV4Result {
  const auth = req.headers.get('authorization');
  if (!auth) {
    return fail(403, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
  }
  const m = AUTH_RE.exec(auth.trim());
  if (!m) {
    return fail(
      403,
      'IncompleteSignatureException',
      `Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters`,
    );
  }
  const [, accessKeyId, scopeDate, region, service, signedHeadersRaw, signature] = m;
  const secret = opts.credentials.get(accessKeyId);
  if (secret === undefined) {
    return fail(
      403,
      'UnrecognizedClientException',
      'The security token included in the request is invalid.',
    );
  }
  const amzDate = req.headers.get('x-amz-date');
  const at = amzDate ? parseAmzDate(amzDate) : null;
  if (!amzDate || !at) {
    return fail(
      403,
      'IncompleteSignatureException',
      'Authorization header requires a valid X-Amz-Date header',
    );
  }
  const now = opts.now ?? new Date();
  const skew = opts.maxSkewMs ?? 15 * 60_000;
  if (Math.abs(now.getTime() - at.getTime()) > skew) {
    return fail(
      403,
      'InvalidSignatureException',
      `Signature expired: ${amzDate} is now earlier than the allowed clock skew of ${
        Math.round(skew / 60_000)
      } minutes.`,
    );
  }
  if (scopeDate !== amzDate.slice(0, 8)) {
    return fail(
      403,
      'InvalidSignatureException',
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scopeDate}' != '${
        amzDate.slice(0, 8)
      }'`,
    );
  }
  if (service !== opts.service) {
    return fail(
      403,
      'InvalidSignatureException',
      `Credential should be scoped to correct service: '${opts.service}'.`,
    );
  }
  const signedHeaders = signedHeadersRaw.split(';');
  if (!signedHeaders.includes('host')) {
    return fail(
      403,
      'InvalidSignatureException',
      `'Host' must be a 'SignedHeader' in the AWS Authorization.`,
    );
  }
  const url = new URL(req.url);
  const canonicalHeaders = signedHeaders
    // A Request built in-process has no Host header (fetch forbids it): use the URL's authority.
    .map((h) => h === 'host' ? (req.headers.get('host') ?? url.host) : (req.headers.get(h) ?? ''))
    .map((v, i) => `${signedHeaders[i]}:${v.trim().replace(/\s+/g, ' ')}\n`)
    .join('');
  const payloadHash = req.headers.get('x-amz-content-sha256') ?? sha256Hex(req.body);
  const canonicalRequest = [
    req.method.toUpperCase(),
    canonicalPath(url.pathname),
    canonicalQuery(url.searchParams),
    canonicalHeaders,
    signedHeadersRaw,
    payloadHash,
  ].join('\n');
  const scope = `${scopeDate}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  const kDate = hmac(`AWS4${secret}`, scopeDate);
  const kRegion = hmac(kDate, region);
  const kService = hmac(kRegion, service);
  const kSigning = hmac(kService, 'aws4_request');
  const expected = Buffer.from(hmac(kSigning, stringToSign));
  const given = Buffer.from(signature, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return fail(
      403,
      'InvalidSignatureException',
      'The request signature we calculated does not match the signature you provided. ' +
        'Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    );
  }
  return { ok: true, accessKeyId, region, service };
}
