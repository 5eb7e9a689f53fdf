// SigV4 verification for the local AWS stand-ins (Textract endpoint, S3 gate): recomputes the
// canonical request and the signature from the local credentials and rejects a mismatch the way
// AWS does (403 InvalidSignatureException, UnrecognizedClientException for an unknown access
// key). Header-signed requests (what aws4fetch and the AWS SDKs send) and, for S3, presigned URLs
// (X-Amz-* query parameters, UNSIGNED-PAYLOAD). S3 encodes the path once, other services twice.

import { createHmac, timingSafeEqual } from 'node:crypto';
import { Buffer } from 'node:buffer';
import { sha256Hex } from '../functions/_shared/crypto/sha256.ts';

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
export function canonicalPath(pathname: string, service = ''): string {
  if (service === 's3') {
    let decoded = pathname;
    try {
      decoded = decodeURIComponent(pathname);
    } catch { /* keep as sent */ }
    return encodeRfc3986(encodeURIComponent(decoded).replace(/%2F/g, '/'));
  }
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
  const payloadHash = req.headers.get('x-amz-content-sha256') ?? sha256Hex(req.body);
  const expected = signatureFor(req, url, url.searchParams, {
    secret,
    amzDate,
    scope: { date: scopeDate, region, service },
    signedHeaders,
    payloadHash,
  });
  return matches(signature, expected) ? { ok: true, accessKeyId, region, service } : mismatch();
}

const mismatch = () =>
  fail(
    403,
    'InvalidSignatureException',
    'The request signature we calculated does not match the signature you provided. ' +
      'Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
  );

function matches(givenHex: string, expected: Uint8Array): boolean {
  const given = Buffer.from(givenHex, 'hex');
  return given.length === expected.length && timingSafeEqual(given, Buffer.from(expected));
}

function signatureFor(
  req: SigV4Request,
  url: URL,
  query: URLSearchParams,
  p: {
    secret: string;
    amzDate: string;
    scope: { date: string; region: string; service: string };
    signedHeaders: string[];
    payloadHash: string;
  },
): Uint8Array {
  const canonicalHeaders = p.signedHeaders
    // A Request built in-process has no Host header (fetch forbids it): use the URL's authority.
    .map((h) => h === 'host' ? (req.headers.get('host') ?? url.host) : (req.headers.get(h) ?? ''))
    .map((v, i) => `${p.signedHeaders[i]}:${v.trim().replace(/\s+/g, ' ')}\n`)
    .join('');
  const canonicalRequest = [
    req.method.toUpperCase(),
    canonicalPath(url.pathname, p.scope.service),
    canonicalQuery(query),
    canonicalHeaders,
    p.signedHeaders.join(';'),
    p.payloadHash,
  ].join('\n');
  const { date, region, service } = p.scope;
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', p.amzDate, scope, sha256Hex(canonicalRequest)].join(
    '\n',
  );
  const kDate = hmac(`AWS4${p.secret}`, date);
  const kRegion = hmac(kDate, region);
  const kService = hmac(kRegion, service);
  const kSigning = hmac(kService, 'aws4_request');
  return hmac(kSigning, stringToSign);
}

/**
 * A presigned URL (query authentication, as S3 accepts it): X-Amz-Credential, -Date, -Expires,
 * -SignedHeaders and -Signature in the query, payload UNSIGNED-PAYLOAD. Headers listed in
 * X-Amz-SignedHeaders (e.g. content-length) must be sent exactly as signed.
 */
export function verifyPresigned(req: SigV4Request, opts: VerifyOptions): SigV4Result {
  const url = new URL(req.url);
  const q = url.searchParams;
  const algorithm = q.get('X-Amz-Algorithm');
  const credential = q.get('X-Amz-Credential');
  const amzDate = q.get('X-Amz-Date');
  const expires = Number(q.get('X-Amz-Expires'));
  const signedHeadersRaw = q.get('X-Amz-SignedHeaders');
  const signature = q.get('X-Amz-Signature');
  if (
    algorithm !== 'AWS4-HMAC-SHA256' || !credential || !amzDate || !signedHeadersRaw ||
    !signature || !/^[0-9a-f]{64}$/.test(signature) || !Number.isInteger(expires) || expires < 1 ||
    expires > 604_800
  ) {
    return fail(403, 'AuthorizationQueryParametersError', 'Query-string authentication is invalid');
  }
  const [accessKeyId, scopeDate, region, service, terminator] = credential.split('/');
  const secret = opts.credentials.get(accessKeyId);
  if (secret === undefined) {
    return fail(403, 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist.');
  }
  const at = parseAmzDate(amzDate);
  if (!at || terminator !== 'aws4_request' || scopeDate !== amzDate.slice(0, 8)) {
    return fail(403, 'AuthorizationQueryParametersError', 'X-Amz-Credential is malformed');
  }
  if (service !== opts.service) return mismatch();
  const now = opts.now ?? new Date();
  if (now.getTime() > at.getTime() + expires * 1000) {
    return fail(403, 'AccessDenied', 'Request has expired');
  }
  const signedHeaders = signedHeadersRaw.split(';');
  if (!signedHeaders.includes('host')) return mismatch();
  const query = new URLSearchParams([...q].filter(([k]) => k !== 'X-Amz-Signature'));
  const expected = signatureFor(req, url, query, {
    secret,
    amzDate,
    scope: { date: scopeDate, region, service },
    signedHeaders,
    payloadHash: 'UNSIGNED-PAYLOAD',
  });
  return matches(signature, expected) ? { ok: true, accessKeyId, region, service } : mismatch();
}
