// Stripe webhook signatures: `Stripe-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>…]` where each
// v1 is HMAC-SHA256(endpoint secret, `${t}.${rawBody}`). Verified on the raw bytes before any
// parsing, in constant time; any v1 under any configured secret passes (so secrets can rotate),
// then the timestamp must be within the tolerance (300 s, Stripe's default).

import { WebhookSignatureError } from './errors.ts';
import { hexDigestEquals, hmacSha256, type RawBody } from './hmac.ts';

export const STRIPE_SIGNATURE_HEADER = 'stripe-signature';
export const STRIPE_DEFAULT_TOLERANCE_SECONDS = 300;

export interface StripeSignatureParts {
  timestamp: number;
  signatures: string[];
}

/** Parses the header; unknown schemes (v0, …) are ignored, as Stripe's libraries do. */
export function parseStripeSignatureHeader(header: string): StripeSignatureParts {
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const item of header.split(',')) {
    const eq = item.indexOf('=');
    if (eq <= 0) continue;
    const key = item.slice(0, eq).trim();
    const value = item.slice(eq + 1).trim();
    if (key === 't') timestamp = /^\d{1,12}$/.test(value) ? Number(value) : undefined;
    else if (key === 'v1') signatures.push(value);
  }
  if (timestamp === undefined || signatures.length === 0) {
    throw new WebhookSignatureError(
      'invalid_signature_header',
      'Stripe-Signature header must contain t=<timestamp> and at least one v1=<signature>',
    );
  }
  return { timestamp, signatures };
}

export interface VerifyStripeOptions {
  /** The raw request body, byte for byte as received. */
  rawBody: RawBody;
  /** The `Stripe-Signature` header value (null when absent). */
  header: string | null | undefined;
  /** Endpoint signing secrets (`whsec_…`); several during a rotation. */
  secrets: readonly string[];
  toleranceSeconds?: number;
  /** Clock in ms epoch. */
  now?: number;
}

/** Throws `WebhookSignatureError` unless the payload is signed by one of `secrets`. */
export function verifyStripeSignature(options: VerifyStripeOptions): { timestamp: number } {
  if (options.secrets.length === 0) throw new Error('No Stripe webhook secret configured');
  if (!options.header) {
    throw new WebhookSignatureError('missing_signature', 'Missing Stripe-Signature header');
  }
  const { timestamp, signatures } = parseStripeSignatureHeader(options.header);
  const prefix = `${timestamp}.`;
  const matched = options.secrets.some((secret) => {
    const expected = hmacSha256(secret, prefix, options.rawBody);
    // Check every candidate (no early exit) so timing does not reveal which one matched.
    return signatures.map((sig) => hexDigestEquals(expected, sig)).includes(true);
  });
  if (!matched) {
    throw new WebhookSignatureError(
      'signature_mismatch',
      'No Stripe signature matches the payload',
    );
  }
  const tolerance = options.toleranceSeconds ?? STRIPE_DEFAULT_TOLERANCE_SECONDS;
  const nowSeconds = Math.floor((options.now ?? Date.now()) / 1000);
  if (tolerance > 0 && Math.abs(nowSeconds - timestamp) > tolerance) {
    throw new WebhookSignatureError(
      'stale_timestamp',
      `Stripe signature timestamp is outside the ${tolerance} s tolerance`,
    );
  }
  return { timestamp };
}

/** Builds a valid `Stripe-Signature` header (local stack, tests, replay tooling). */
export function signStripePayload(
  rawBody: RawBody,
  secret: string,
  timestampSeconds: number,
): string {
  const sig = hmacSha256(secret, `${timestampSeconds}.`, rawBody).toString('hex');
  return `t=${timestampSeconds},v1=${sig}`;
}
