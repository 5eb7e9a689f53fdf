// Revolut webhook signatures (Business, Merchant): `Revolut-Request-Timestamp: <unix ms>` and
// `Revolut-Signature: v1=<hex>[,v1=<hex>…]` (several while a secret rotates), each
// HMAC-SHA256(signing secret, `v1.${timestamp}.${rawBody}`). Verified on the raw bytes in constant
// time; the timestamp must be within 5 minutes, as Revolut's docs ask.
import { WebhookSignatureError } from './errors.ts';
import { hexDigestEquals, hmacSha256, type RawBody } from './hmac.ts';

export const REVOLUT_SIGNATURE_HEADER = 'revolut-signature';
export const REVOLUT_TIMESTAMP_HEADER = 'revolut-request-timestamp';
export const REVOLUT_DEFAULT_TOLERANCE_SECONDS = 300;

export interface VerifyRevolutOptions {
  rawBody: RawBody;
  signatureHeader: string | null | undefined;
  timestampHeader: string | null | undefined;
  secrets: readonly string[];
  toleranceSeconds?: number;
  now?: number;
}

export function verifyRevolutSignature(options: VerifyRevolutOptions): { timestampMs: number } {
  if (options.secrets.length === 0) throw new Error('No Revolut webhook secret configured');
  if (!options.signatureHeader || !options.timestampHeader) {
    throw new WebhookSignatureError(
      'missing_signature',
      'Missing Revolut-Signature or Revolut-Request-Timestamp header',
    );
  }
  const ts = options.timestampHeader.trim();
  const signatures = options.signatureHeader.split(',').map((s) => s.trim())
    .filter((s) => s.startsWith('v1=')).map((s) => s.slice(3));
  if (!/^\d{10,16}$/.test(ts) || signatures.length === 0) {
    throw new WebhookSignatureError(
      'invalid_signature_header',
      'Revolut-Signature must hold v1=<hex> and Revolut-Request-Timestamp a UNIX time in ms',
    );
  }
  const matched = options.secrets.some((secret) => {
    const expected = hmacSha256(secret, `v1.${ts}.`, options.rawBody);
    return signatures.map((sig) => hexDigestEquals(expected, sig)).includes(true);
  });
  if (!matched) {
    throw new WebhookSignatureError(
      'signature_mismatch',
      'No Revolut signature matches the payload',
    );
  }
  const tolerance = options.toleranceSeconds ?? REVOLUT_DEFAULT_TOLERANCE_SECONDS;
  if (Math.abs((options.now ?? Date.now()) - Number(ts)) > tolerance * 1000) {
    throw new WebhookSignatureError(
      'stale_timestamp',
      `Revolut timestamp is outside the ${tolerance} s tolerance`,
    );
  }
  return { timestampMs: Number(ts) };
}

/** A valid header pair (local stack, tests). */
export function signRevolutPayload(rawBody: RawBody, secret: string, timestampMs: number) {
  const sig = hmacSha256(secret, `v1.${timestampMs}.`, rawBody).toString('hex');
  return {
    [REVOLUT_SIGNATURE_HEADER]: `v1=${sig}`,
    [REVOLUT_TIMESTAMP_HEADER]: String(timestampMs),
  };
}
