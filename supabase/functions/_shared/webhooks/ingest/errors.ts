// Typed webhook verification failures. Malformed requests are 400; a well-formed request whose
// signature or timestamp does not check out is 401. Bodies are `{ error, message }` JSON.

import { HttpError } from '../../http/errors.ts';

export type WebhookErrorCode =
  | 'missing_signature'
  | 'invalid_signature_header'
  | 'stale_timestamp'
  | 'signature_mismatch'
  | 'invalid_payload';

const STATUS: Record<WebhookErrorCode, number> = {
  missing_signature: 400,
  invalid_signature_header: 400,
  invalid_payload: 400,
  stale_timestamp: 401,
  signature_mismatch: 401,
};

export class WebhookSignatureError extends HttpError {
  constructor(readonly reason: WebhookErrorCode, message: string) {
    super(STATUS[reason], reason, message);
  }
}
