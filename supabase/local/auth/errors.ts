// GoTrue's error responses, as supabase-js reads them (internal/api/errors.go):
//   X-Supabase-Api-Version >= 2024-01-01 (supabase-js sends it) → {code: "<error_code>", message}
//                                                              and the version header echoed back
//   no version header (curl, older clients)                     → {code: <status>, error_code, msg}
// Both carry `x-sb-error-code`. OAuth-style errors (refresh_token missing) are {error,
// error_description}, as GoTrue's OAuthError.
export const API_VERSION_HEADER = 'X-Supabase-Api-Version';
const API_VERSION_2024 = '2024-01-01';

/** An error GoTrue reports with an error code (apierrors.HTTPError). */
export class AuthError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
    this.name = 'AuthError';
  }
}

/** GoTrue's OAuthError: `{error, error_description}` with status 400. */
export class OAuthError extends Error {
  constructor(readonly error: string, readonly description: string) {
    super(description);
    this.name = 'OAuthError';
  }
}

export const INVALID_LOGIN = 'Invalid login credentials';

export const badRequest = (code: string, msg: string) => new AuthError(400, code, msg);
export const forbidden = (code: string, msg: string) => new AuthError(403, code, msg);

/** The API version a request asked for: 2024-01-01 for any date from then on, else the initial. */
export function requestedApiVersion(header: string | null): '2024-01-01' | null {
  if (!header || !/^\d{4}-\d{2}-\d{2}$/.test(header)) return null;
  const date = Date.parse(`${header}T00:00:00Z`);
  return Number.isFinite(date) && date >= Date.parse(`${API_VERSION_2024}T00:00:00Z`)
    ? API_VERSION_2024
    : null;
}

/** The JSON body and headers GoTrue answers `err` with, for the request's API version. */
export function renderError(
  err: unknown,
  apiVersionHeader: string | null,
): { status: number; body: Record<string, unknown>; headers: Record<string, string> } {
  if (err instanceof OAuthError) {
    return {
      status: 400,
      body: { error: err.error, error_description: err.description },
      headers: {},
    };
  }
  const e = err instanceof AuthError
    ? err
    : new AuthError(500, 'unexpected_failure', 'Internal Server Error');
  const headers: Record<string, string> = { 'x-sb-error-code': e.code };
  if (requestedApiVersion(apiVersionHeader)) {
    headers[API_VERSION_HEADER] = API_VERSION_2024;
    return { status: e.status, body: { code: e.code, message: e.message }, headers };
  }
  return {
    status: e.status,
    body: { code: e.status, error_code: e.code, msg: e.message },
    headers,
  };
}
