// The GoTrue-compatible HTTP surface supabase-js's auth client uses, as a table of routes under
// /auth/v1 (GoTrue's paths, bodies, statuses and error codes; see README.md here):
//   GET  /.well-known/jwks.json                  public keys (open, as hosted)
//   POST /token?grant_type=password|refresh_token → session JSON
//   GET  /user                                   the signed-in user
//   POST /logout?scope=global|local|others       204
//   GET  /health                                 {name, version, description}
// Every other route needs an API key (`apikey` header or query), as the hosted API gateway does.
// Pure over its dependencies (store, key, API-key check, clock): handler.test.ts drives it with a
// real database and no server.
import {
  decodeProtectedHeader,
  errors as joseErrors,
  type JWTPayload,
  jwtVerify,
  SignJWT,
} from 'npm:jose@^6.0.11';
import {
  API_VERSION_HEADER,
  AuthError,
  badRequest,
  forbidden,
  INVALID_LOGIN,
  OAuthError,
  renderError,
} from './errors.ts';
import { accessTokenClaims, isBanned, userJson, type UserRow } from './session.ts';
import type { SigningKey } from './signing-key.ts';
import type { AuthStore, IssuedSession } from './store.ts';

export interface AuthConfig {
  /** `iss` of access tokens: <SUPABASE_URL>/auth/v1. */
  issuer: string;
  signingKey: SigningKey;
  /** The legacy HS256 secret: /user and /logout also accept tokens it signed, as GoTrue does. */
  legacySecret?: string;
  /** GOTRUE_JWT_EXP (default 3600). */
  accessTokenTtlSeconds: number;
  /** GOTRUE_SECURITY_REFRESH_TOKEN_REUSE_INTERVAL (default 10). */
  refreshReuseIntervalSeconds: number;
}

export interface AuthDeps {
  store: AuthStore;
  config: AuthConfig;
  /** The gateway's API-key check: true for a valid anon/service_role key. */
  checkApiKey: (key: string) => Promise<boolean>;
  now?: () => number;
}

type Ctx = { req: Request; url: URL; ip?: string };
type Route = {
  method: string;
  path: string;
  /** Reachable without an API key (the JWKS is public). */
  open?: boolean;
  handle: (ctx: Ctx) => Promise<Response>;
};

const PREFIX = '/auth/v1';
const MAX_BODY_CHARS = 64 * 1024;

export function createAuthHandler(deps: AuthDeps) {
  const { store, config } = deps;
  const now = deps.now ?? Date.now;
  const legacyKey = config.legacySecret ? new TextEncoder().encode(config.legacySecret) : null;

  async function sessionResponse(issued: IssuedSession): Promise<Response> {
    const claims = accessTokenClaims(
      issued.user,
      issued.session,
      config.issuer,
      now(),
      config.accessTokenTtlSeconds,
    );
    const accessToken = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid: config.signingKey.kid, typ: 'JWT' })
      .sign(config.signingKey.privateKey);
    return json(200, {
      access_token: accessToken,
      token_type: 'bearer',
      expires_in: config.accessTokenTtlSeconds,
      expires_at: claims.exp,
      refresh_token: issued.refreshToken,
      user: userJson(issued.user),
    });
  }

  async function passwordGrant(ctx: Ctx): Promise<Response> {
    const params = await readParams(ctx.req);
    const email = stringParam(params, 'email');
    const phone = stringParam(params, 'phone');
    const password = stringParam(params, 'password') ?? '';
    if (email && phone) {
      throw badRequest(
        'validation_failed',
        'Only an email address or phone number should be provided on login.',
      );
    }
    if (phone) throw new AuthError(422, 'phone_provider_disabled', 'Phone logins are disabled');
    if (!email) throw badRequest('validation_failed', 'missing email or phone');
    const aud = ctx.req.headers.get('x-jwt-aud') || 'authenticated';
    const found = await store.checkPassword(email, password, aud);
    // Unknown email, no password set, wrong password: one answer, so accounts cannot be probed.
    if (!found || !found.passwordOk) throw badRequest('invalid_credentials', INVALID_LOGIN);
    if (isBanned(found.user, now())) throw badRequest('user_banned', 'User is banned');
    if (!found.user.email_confirmed_at) {
      throw badRequest('email_not_confirmed', 'Email not confirmed');
    }
    const issued = await store.createSession(found.user.id, {
      userAgent: ctx.req.headers.get('user-agent') ?? undefined,
      ip: ctx.ip,
    });
    return await sessionResponse(issued);
  }

  async function refreshGrant(ctx: Ctx): Promise<Response> {
    const params = await readParams(ctx.req);
    const token = stringParam(params, 'refresh_token');
    if (!token) throw new OAuthError('invalid_request', 'refresh_token required');
    const outcome = await store.refresh(token, config.refreshReuseIntervalSeconds);
    switch (outcome.kind) {
      case 'issued':
        return await sessionResponse(outcome.issued);
      case 'not_found':
        throw badRequest(
          'refresh_token_not_found',
          'Invalid Refresh Token: Refresh Token Not Found',
        );
      case 'no_session':
        throw badRequest('session_not_found', 'Invalid Refresh Token: No Valid Session Found');
      case 'banned':
        throw badRequest('user_banned', 'Invalid Refresh Token: User Banned');
      case 'expired':
        throw badRequest('session_expired', 'Invalid Refresh Token: Session Expired');
      case 'reuse_detected':
        throw badRequest('refresh_token_already_used', 'Invalid Refresh Token: Already Used');
    }
  }

  async function token(ctx: Ctx): Promise<Response> {
    const grant = ctx.url.searchParams.get('grant_type');
    if (grant === 'password') return await passwordGrant(ctx);
    if (grant === 'refresh_token') return await refreshGrant(ctx);
    // GoTrue's own (odd) code for an unknown grant.
    throw badRequest('invalid_credentials', 'unsupported_grant_type');
  }

  /** GoTrue's requireAuthentication: a verified token whose user (and session) still exist. */
  async function requireAuthentication(
    req: Request,
  ): Promise<{ user: UserRow; sessionId: string | null }> {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.get('authorization') ?? '');
    if (!match) {
      throw new AuthError(401, 'no_authorization', 'This endpoint requires a valid Bearer token');
    }
    const claims = await verifyAccessToken(match[1]);
    if (!claims.sub) throw forbidden('bad_jwt', 'invalid claim: missing sub claim');
    if (!UUID.test(claims.sub)) {
      throw badRequest('bad_jwt', 'invalid claim: sub claim must be a UUID');
    }
    const user = await store.findUser(claims.sub);
    if (!user) throw forbidden('user_not_found', 'User from sub claim in JWT does not exist');
    const sid = typeof claims.session_id === 'string' && claims.session_id !== NIL_UUID
      ? claims.session_id
      : null;
    if (sid !== null) {
      if (!UUID.test(sid)) {
        throw forbidden('bad_jwt', 'invalid claim: session_id claim must be a UUID');
      }
      if (!(await store.sessionExists(sid))) {
        throw forbidden('session_not_found', 'Session from session_id claim in JWT does not exist');
      }
    }
    if (isBanned(user, now())) throw forbidden('user_banned', 'User is banned');
    return { user, sessionId: sid };
  }

  async function verifyAccessToken(token: string): Promise<JWTPayload> {
    const bad = (why: string) =>
      forbidden('bad_jwt', `invalid JWT: unable to parse or verify signature, ${why}`);
    let header;
    try {
      header = decodeProtectedHeader(token);
    } catch {
      throw bad('token is malformed');
    }
    const options = { currentDate: new Date(now()) };
    try {
      if (header.alg === 'ES256' && header.kid === config.signingKey.kid) {
        return (await jwtVerify(token, config.signingKey.publicKey, {
          ...options,
          algorithms: ['ES256'],
        })).payload;
      }
      if (header.alg === 'HS256' && legacyKey) {
        return (await jwtVerify(token, legacyKey, { ...options, algorithms: ['HS256'] })).payload;
      }
    } catch (err) {
      if (err instanceof joseErrors.JWTExpired) {
        throw bad('token has invalid claims: token is expired');
      }
      throw bad('token signature is invalid');
    }
    throw bad(`unrecognized JWT kid ${header.kid} for algorithm ${header.alg}`);
  }

  const routes: Route[] = [
    {
      method: 'GET',
      path: '/.well-known/jwks.json',
      open: true,
      handle: () =>
        Promise.resolve(
          json(200, { keys: [config.signingKey.publicJwk] }, {
            'Cache-Control': 'public, max-age=600',
          }),
        ),
    },
    {
      method: 'GET',
      path: '/health',
      handle: () =>
        Promise.resolve(json(200, {
          version: 'tallyq-local',
          name: 'GoTrue',
          description: 'GoTrue-compatible local stand-in (tallyq)',
        })),
    },
    { method: 'POST', path: '/token', handle: token },
    {
      method: 'GET',
      path: '/user',
      handle: async ({ req }) => json(200, userJson((await requireAuthentication(req)).user)),
    },
    {
      method: 'POST',
      path: '/logout',
      handle: async ({ req, url }) => {
        const scope = url.searchParams.get('scope') ?? 'global';
        if (!['', 'global', 'local', 'others'].includes(scope)) {
          throw badRequest('validation_failed', `Unsupported logout scope "${scope}"`);
        }
        const { user, sessionId } = await requireAuthentication(req);
        await store.logout(user.id, sessionId, (scope || 'global') as 'global');
        return new Response(null, { status: 204 });
      },
    },
  ];

  return async function handle(req: Request, ip?: string): Promise<Response> {
    const url = new URL(req.url);
    let res: Response;
    if (req.method === 'OPTIONS') {
      res = new Response(null, { status: 204 });
    } else {
      try {
        res = await dispatch({ req, url, ip });
      } catch (err) {
        if (!(err instanceof AuthError) && !(err instanceof OAuthError)) {
          console.error('auth stand-in: unexpected error', err);
        }
        const r = renderError(err, req.headers.get(API_VERSION_HEADER));
        res = json(r.status, r.body, r.headers);
      }
    }
    for (const [k, v] of Object.entries(corsHeaders(req))) res.headers.set(k, v);
    return res;
  };

  async function dispatch(ctx: Ctx): Promise<Response> {
    const path = ctx.url.pathname.slice(PREFIX.length).replace(/\/+$/, '') || '/';
    const onPath = routes.filter((r) => r.path === path);
    const route = onPath.find((r) => r.method === ctx.req.method);
    if (!route) {
      if (onPath.length) {
        throw new AuthError(405, 'method_not_allowed', 'Method not allowed');
      }
      throw new AuthError(404, 'not_found', 'Not found');
    }
    if (!route.open) {
      const key = ctx.req.headers.get('apikey') ?? ctx.url.searchParams.get('apikey');
      // The hosted API gateway answers these itself, in its own shape.
      if (!key) {
        return json(401, {
          message: 'No API key found in request',
          hint: 'No `apikey` request header or url param was found.',
        });
      }
      if (!(await deps.checkApiKey(key))) {
        return json(401, {
          message: 'Invalid API key',
          hint: 'Double check your Supabase `anon` or `service_role` API key.',
        });
      }
    }
    return await route.handle(ctx);
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NIL_UUID = '00000000-0000-0000-0000-000000000000';

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

/** CORS as GoTrue answers it (rs/cors, credentials allowed: the origin is echoed). */
function corsHeaders(req: Request): Record<string, string> {
  const origin = req.headers.get('origin');
  return {
    'Access-Control-Allow-Origin': origin ?? '*',
    'Access-Control-Allow-Credentials': 'true',
    'Access-Control-Allow-Methods': 'GET, POST, PUT, PATCH, DELETE',
    'Access-Control-Allow-Headers': req.headers.get('access-control-request-headers') ??
      'Accept, Authorization, Content-Type, X-Client-IP, X-Client-Info, X-JWT-AUD, X-Use-Cookie, X-Supabase-Api-Version, apikey',
    'Access-Control-Expose-Headers': `X-Total-Count, Link, ${API_VERSION_HEADER}`,
    'Access-Control-Max-Age': '86400',
    Vary: 'Origin',
  };
}

/** The request's JSON object, whatever its content type (GoTrue's retrieveRequestParams). */
async function readParams(req: Request): Promise<Record<string, unknown>> {
  const text = await req.text();
  if (text.length > MAX_BODY_CHARS) {
    throw new AuthError(
      413,
      'request_entity_too_large',
      `Request body too large (max ${MAX_BODY_CHARS} bytes)`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw badRequest('bad_json', 'Could not parse request body as JSON: invalid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw badRequest('bad_json', 'Could not parse request body as JSON: expected an object');
  }
  return parsed as Record<string, unknown>;
}

function stringParam(params: Record<string, unknown>, name: string): string | undefined {
  const v = params[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') {
    throw badRequest('bad_json', `Could not parse request body as JSON: ${name} must be a string`);
  }
  return v;
}
