// Correlation ids: taken from the caller's header when it is a sane token, made otherwise, echoed
// on the response, put in queue messages and set transaction-locally as tallyq.correlation_id so
// audit rows written in the same transaction carry it.

import { runWithCorrelationId } from './context.ts';

export const CORRELATION_HEADER = 'x-correlation-id';
const ACCEPTED_HEADERS = [CORRELATION_HEADER, 'x-request-id'];
const SANE = /^[A-Za-z0-9._:-]{8,128}$/;

export function correlationIdFrom(
  headers: Headers,
  make: () => string = () => crypto.randomUUID(),
): string {
  for (const name of ACCEPTED_HEADERS) {
    const value = headers.get(name)?.trim();
    if (value && SANE.test(value)) return value;
  }
  return make();
}

/** `value` if it is a usable correlation id (e.g. read back from a queue message), else null. */
export function saneCorrelationId(value: unknown): string | null {
  return typeof value === 'string' && SANE.test(value) ? value : null;
}

/** Copies `response` with the correlation id header set (responses' headers may be immutable). */
export function withCorrelationHeader(response: Response, correlationId: string): Response {
  const headers = new Headers(response.headers);
  headers.set(CORRELATION_HEADER, correlationId);
  return new Response(response.body, {
    status: response.status,
    statusText: response.statusText,
    headers,
  });
}

/**
 * Wraps a function's handler: the request's correlation id (header or made) is current while it
 * runs - in database transactions (tallyq.correlation_id), log lines and 500 bodies - and is
 * echoed on the response.
 */
export function withCorrelation(
  handler: (req: Request) => Response | Promise<Response>,
): (req: Request) => Promise<Response> {
  return async (req) => {
    const correlationId = correlationIdFrom(req.headers);
    const res = await runWithCorrelationId(correlationId, async () => await handler(req));
    return withCorrelationHeader(res, correlationId);
  };
}
