// WhatsApp Cloud API (Meta) webhooks:
// - GET verification handshake: `hub.mode=subscribe&hub.verify_token=<ours>&hub.challenge=<n>`
//   → 200 echoing the challenge as text, else 403.
// - POST deliveries: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret, rawBody)>`,
//   verified on the raw bytes before parsing, in constant time; several app secrets may be
//   configured while one is being rotated.

import { timingSafeEqual } from 'node:crypto';
import { Buffer } from 'node:buffer';
import { Forbidden } from '../../http/errors.ts';
import { WebhookSignatureError } from './errors.ts';
import { hexDigestEquals, hmacSha256, type RawBody } from './hmac.ts';

export const WHATSAPP_SIGNATURE_HEADER = 'x-hub-signature-256';

/** Answers Meta's subscription handshake; throws `Forbidden` (403) when it does not match. */
export function whatsappVerifyHandshake(url: URL, verifyToken: string): Response {
  const mode = url.searchParams.get('hub.mode');
  const token = url.searchParams.get('hub.verify_token') ?? '';
  const challenge = url.searchParams.get('hub.challenge');
  const a = Buffer.from(token, 'utf8');
  const b = Buffer.from(verifyToken, 'utf8');
  const tokenOk = verifyToken.length > 0 && a.length === b.length && timingSafeEqual(a, b);
  if (mode !== 'subscribe' || !tokenOk || !challenge) {
    throw new Forbidden('Webhook verification failed', 'verification_failed');
  }
  return new Response(challenge, {
    status: 200,
    headers: { 'content-type': 'text/plain; charset=utf-8' },
  });
}

export interface VerifyWhatsAppOptions {
  rawBody: RawBody;
  /** The `X-Hub-Signature-256` header value (null when absent). */
  header: string | null | undefined;
  /** App secrets; several during a rotation. */
  appSecrets: readonly string[];
}

/** Throws `WebhookSignatureError` unless the body is signed by one of `appSecrets`. */
export function verifyWhatsAppSignature(options: VerifyWhatsAppOptions): void {
  if (options.appSecrets.length === 0) throw new Error('No WhatsApp app secret configured');
  if (!options.header) {
    throw new WebhookSignatureError('missing_signature', 'Missing X-Hub-Signature-256 header');
  }
  const match = /^sha256=([0-9a-fA-F]{64})$/.exec(options.header.trim());
  if (!match) {
    throw new WebhookSignatureError(
      'invalid_signature_header',
      'X-Hub-Signature-256 header must be sha256=<64 hex characters>',
    );
  }
  const results = options.appSecrets.map((secret) =>
    hexDigestEquals(hmacSha256(secret, options.rawBody), match[1])
  );
  if (!results.includes(true)) {
    throw new WebhookSignatureError(
      'signature_mismatch',
      'X-Hub-Signature-256 does not match the payload',
    );
  }
}

/** Builds a valid `X-Hub-Signature-256` header (local stack and tests). */
export function signWhatsAppPayload(rawBody: RawBody, appSecret: string): string {
  return `sha256=${hmacSha256(appSecret, rawBody).toString('hex')}`;
}
