// One error model for every function: typed errors callers react to, one mapper to
// `{ error, message }` JSON responses, and an opaque 500 (with a correlation id) for the rest.
import { currentCorrelationId } from '../log/context.ts';
import { createLogger } from '../log/logger.ts';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class BadRequest extends HttpError {
  constructor(message: string, code = 'bad_request') {
    super(400, code, message);
  }
}

export class Unauthorized extends HttpError {
  constructor(message = 'Missing or invalid authorization', code = 'unauthorized') {
    super(401, code, message, { 'WWW-Authenticate': `Bearer error="invalid_token"` });
  }
}

export class Forbidden extends HttpError {
  constructor(message = 'Not allowed', code = 'forbidden') {
    super(403, code, message);
  }
}

export class NotFound extends HttpError {
  constructor(message = 'Not found', code = 'not_found') {
    super(404, code, message);
  }
}

export class MethodNotAllowed extends HttpError {
  constructor(allowed: string[]) {
    super(405, 'method_not_allowed', 'Method not allowed', { Allow: allowed.join(', ') });
  }
}

export class Conflict extends HttpError {
  constructor(message: string, code = 'conflict') {
    super(409, code, message);
  }
}

export class PayloadTooLarge extends HttpError {
  constructor(message: string) {
    super(413, 'payload_too_large', message);
  }
}

export class UnsupportedMediaType extends HttpError {
  constructor(message: string) {
    super(415, 'unsupported_media_type', message);
  }
}

export class Unprocessable extends HttpError {
  constructor(message: string, code = 'unprocessable') {
    super(422, code, message);
  }
}

export class TooManyRequests extends HttpError {
  constructor(retryAfterSeconds: number, headers: Record<string, string> = {}) {
    super(429, 'rate_limited', 'Too many requests', {
      'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))),
      ...headers,
    });
  }
}

export class ServiceUnavailable extends HttpError {
  constructor(message: string, code = 'unavailable') {
    super(503, code, message);
  }
}

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  });
}

// Unknown errors are logged as JSON lines through the PII scrubber (log/logger.ts): a stack can
// quote user data (a failing row, an address in a message).
const serverLog = createLogger();

/** Maps any thrown value to a JSON response; unknown errors become an opaque 500. */
export function errorResponse(
  err: unknown,
  log: (msg: string) => void = (msg) => serverLog.error(msg),
): Response {
  if (err instanceof HttpError) {
    return json({ error: err.code, message: err.message }, err.status, err.headers);
  }
  // the request's own id when it has one (log/context.ts), so the 500 body, the log line and the
  // caller's X-Correlation-Id agree
  const correlationId = currentCorrelationId() ?? crypto.randomUUID();
  log(`[${correlationId}] ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
  return json(
    { error: 'internal_error', message: 'Internal error', correlation_id: correlationId },
    500,
  );
}

/** Wraps a handler so every failure leaves as `{ error, message }` JSON. */
export function withErrors(
  handler: (req: Request) => Promise<Response> | Response,
  log?: (msg: string) => void,
): (req: Request) => Promise<Response> {
  return async (req) => {
    try {
      return await handler(req);
    } catch (err) {
      return errorResponse(err, log);
    }
  };
}
