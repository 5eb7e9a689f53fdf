// API errors in words: every function answers `{error, message}` with a stable code; people see a
// sentence chosen for that code, and for a code this app does not know yet, the API's own message.

export type ApiErrorBody = { error?: unknown; message?: unknown };

/** Sentences per stable code (wallet, receipts, corrections, operations, auth). */
const SENTENCES: Readonly<Record<string, string>> = {
  // sign-in (GoTrue's codes)
  invalid_credentials: 'That email and password do not match. Check them and try again.',
  email_not_confirmed: 'Confirm your email address before signing in.',
  user_banned: 'This account is blocked. Contact your administrator.',
  over_request_rate_limit: 'Too many sign-in attempts. Wait a minute and try again.',
  refresh_token_not_found: 'Your session has ended. Please sign in again.',
  session_not_found: 'Your session has ended. Please sign in again.',
  refresh_token_already_used: 'Your session has ended. Please sign in again.',
  // any function
  unauthorized: 'Your session has ended. Please sign in again.',
  invalid_token: 'Your session has ended. Please sign in again.',
  forbidden: 'You do not have permission to do that.',
  not_a_user: 'Only signed-in people can use the wallet.',
  not_found: 'We could not find that. It may have been removed, or it is not yours.',
  route_not_found: 'We could not find that. It may have been removed, or it is not yours.',
  rate_limited: 'You are going a little fast. Wait a moment and try again.',
  rate_limiter_unavailable: 'The service is busy right now. Try again in a minute.',
  not_configured: 'This part of the service is not set up yet. Contact your administrator.',
  internal_error:
    'Something went wrong on our side. Try again; if it keeps happening, contact support.',
  network_error: 'We could not reach the server. Check your connection and try again.',
  // receipts
  receipt_not_found: 'We could not find that receipt.',
  missing_file: 'Choose a file to upload.',
  empty_file: 'That file is empty.',
  payload_too_large: 'That file is too large to upload.',
  incomplete_file: 'This file looks incomplete or damaged. Upload it again.',
  unsupported_media_type: 'That file type is not supported. Upload a JPEG, PNG, TIFF or PDF.',
  organisation_not_found: 'We could not find that organisation.',
  receipt_not_reviewable:
    'This receipt cannot be corrected right now: it is still being read, or reading it failed.',
  invalid_fields: 'Some fields are not valid. Check the highlighted fields.',
  // wallet
  account_not_found: 'We could not find that account. Check the account id and try again.',
  transfer_not_found: 'We could not find that transfer.',
  invalid_amount: 'Enter an amount greater than zero.',
  invalid_currency: 'That currency is not supported for this account.',
  self_transfer: 'You cannot send money to the same account it comes from.',
  currency_mismatch: 'Both accounts must use the same currency.',
  account_closed: 'One of the accounts is closed.',
  insufficient_funds: 'You do not have enough available money for this transfer.',
  idempotency_key_in_flight: 'This transfer is already being processed. Wait a moment.',
  idempotency_key_reused: 'This transfer was already sent with different details. Start a new one.',
  idempotency_key_required: 'Something went wrong preparing the transfer. Try again.',
  invalid_idempotency_key: 'Something went wrong preparing the transfer. Try again.',
};

/** Codes whose API message is more helpful than a fixed sentence (it names the field). */
const KEEP_MESSAGE = new Set([
  'invalid_body',
  'invalid_query',
  'invalid_request',
  'invalid_field',
  'bad_request',
]);

/** The sentence a person sees for an API error. */
export function describeError(code: string | null | undefined, message?: string | null): string {
  if (code && SENTENCES[code]) return SENTENCES[code];
  const text = typeof message === 'string' ? message.trim() : '';
  if (code && KEEP_MESSAGE.has(code) && text) return `Please check your input: ${sentence(text)}`;
  if (text) return sentence(text);
  return 'Something went wrong. Try again.';
}

function sentence(text: string): string {
  const s = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.!?]$/.test(s) ? s : `${s}.`;
}

/** An error from an API call: the HTTP status, the stable code and the words to show. */
export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, readonly apiMessage: string) {
    super(describeError(code, apiMessage));
    this.name = 'ApiError';
  }
}

/** Reads `{error, message}` (or GoTrue's `{code, error_code, msg}`) from a failed response. */
export function errorFromBody(status: number, body: unknown): ApiError {
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const code = typeof b.error_code === 'string'
    ? b.error_code
    : typeof b.error === 'string'
    ? b.error
    : status === 401
    ? 'unauthorized'
    : status === 403
    ? 'forbidden'
    : status === 404
    ? 'not_found'
    : status >= 500
    ? 'internal_error'
    : 'unknown_error';
  const message = typeof b.message === 'string'
    ? b.message
    : typeof b.msg === 'string'
    ? b.msg
    : typeof b.error_description === 'string'
    ? b.error_description
    : '';
  return new ApiError(status, code, message);
}
