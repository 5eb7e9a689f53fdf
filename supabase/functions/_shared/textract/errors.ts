// Textract error model: parses AWS JSON 1.1 error responses (`{"__type": …, "message": …}`) and
// classifies them as retryable (throttling, 5xx, network, timeout) or permanent, so the receipt
// worker can decide between "try again later" and "dead-letter this receipt".

/** Error codes AWS (or the network) can answer with that are worth another attempt. */
const RETRYABLE_CODES = new Set([
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'LimitExceededException',
  'InternalServerError',
  'InternalFailure',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'RequestTimeout',
  'RequestTimeoutException',
  'SlowDown',
  'TooManyRequestsException',
  // Raised by this module, not AWS:
  'NetworkError',
  'TimeoutError',
  'MalformedResponse',
  'RateLimited',
]);

/** Codes that will fail the same way however often they are retried. */
const PERMANENT_CODES = new Set([
  'InvalidParameterException',
  'UnsupportedDocumentException',
  'BadDocumentException',
  'DocumentTooLargeException',
  'InvalidS3ObjectException',
  'InvalidJobIdException',
  'InvalidKmsKeyException',
  'IdempotentParameterMismatchException',
  'AccessDeniedException',
  'AccessDenied',
  'InvalidSignatureException',
  'IncompleteSignature',
  'SignatureDoesNotMatch',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'MissingAuthenticationToken',
  'ExpiredTokenException',
  'RequestExpired',
  'ValidationException',
  'UnknownOperationException',
  'SerializationException',
]);

export type TextractErrorKind = 'retryable' | 'permanent';

/** A failed Textract call. `retryable` tells the caller whether a later attempt can succeed. */
export class TextractError extends Error {
  readonly retryable: boolean;
  readonly requestId?: string;
  /** A hint (from the rate governor) for when the next attempt may go out. */
  readonly retryAfterMs?: number;
  constructor(
    readonly code: string,
    message: string,
    readonly status: number | null = null,
    opts: { retryable?: boolean; requestId?: string; retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: opts.cause });
    this.name = 'TextractError';
    this.retryable = opts.retryable ?? isRetryable(code, status);
    this.requestId = opts.requestId;
    this.retryAfterMs = opts.retryAfterMs;
  }

  get kind(): TextractErrorKind {
    return this.retryable ? 'retryable' : 'permanent';
  }
}

/**
 * AWS writes `__type` either bare (`ThrottlingException`) or namespaced
 * (`com.amazonaws.textract#ThrottlingException`); some services append `:http://…`.
 */
export function normaliseErrorCode(raw: string): string {
  const afterHash = raw.includes('#') ? raw.slice(raw.lastIndexOf('#') + 1) : raw;
  return afterHash.split(':')[0].trim();
}

/** Retryable: known throttling/server codes, any 5xx, 429; everything else is permanent. */
export function isRetryable(code: string, status: number | null): boolean {
  if (RETRYABLE_CODES.has(code)) return true;
  if (PERMANENT_CODES.has(code)) return false;
  if (status === null) return false;
  return status >= 500 || status === 429;
}

/** Builds a TextractError from a non-2xx response's status, headers and body text. */
export function parseErrorResponse(
  status: number,
  headers: Headers,
  bodyText: string,
): TextractError {
  const requestId = headers.get('x-amzn-requestid') ?? undefined;
  let code: string | undefined;
  let message: string | undefined;
  try {
    const body = JSON.parse(bodyText) as Record<string, unknown>;
    if (typeof body.__type === 'string') code = body.__type;
    const m = body.message ?? body.Message;
    if (typeof m === 'string') message = m;
  } catch {
    // Not JSON (a proxy's HTML 502 page, say): fall back to the header and the status.
  }
  code ??= headers.get('x-amzn-errortype') ?? undefined;
  code = code ? normaliseErrorCode(code) : status >= 500 ? 'InternalServerError' : `Http${status}`;
  message ??= bodyText.slice(0, 200) || `Textract answered HTTP ${status}`;
  return new TextractError(code, message, status, { requestId });
}

/** Wraps a thrown fetch/abort error; both are retryable. */
export function fromNetworkError(err: unknown, timeoutMs: number): TextractError {
  if (err instanceof TextractError) return err;
  const name = err instanceof Error ? err.name : '';
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new TextractError(
      'TimeoutError',
      `Textract did not answer within ${timeoutMs} ms`,
      null,
      {
        cause: err,
      },
    );
  }
  const detail = err instanceof Error ? err.message : String(err);
  return new TextractError('NetworkError', `Could not reach Textract: ${detail}`, null, {
    cause: err,
  });
}
