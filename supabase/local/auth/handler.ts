// The GoTrue-compatible HTTP surface supabase-js's auth client uses, as a table of routes under
// /auth/v1 (GoTrue's paths, bodies, statuses and error codes; supabase/local/platform/README.md):
//   GET  /.well-known/jwks.json                  public keys (open, as hosted)
//   POST /token?grant_type=password|refresh_token → session JSON
//   GET  /user                                   the signed-in user
//   POST /logout?scope=global|local|others       204
//   GET  /health                                 {name, version, description}
// Every other route needs an API key (`apikey` header or query), as the hosted API gateway does.
// Pure over its dependencies (store, key, API-key check, clock): handler.test.ts drives it with an
// injected store; tests/e2e/auth.test.ts drives the real one through supabase-js.
import { SignJWT } from 'npm:jose@^6.0.11';
import { createAuthenticator } from './authenticate.ts';
import {
  API_VERSION_HEADER,
  AuthError,
  badRequest,
  INVALID_LOGIN,
  OAuthError,
  renderError,
} from './errors.ts';
import { corsHeaders, json, readParams, stringParam } from './http.ts';
import { accessTokenClaims, isBanned, userJson } from './session.ts';
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

export function createAuthHandler(deps: AuthDeps) {
  const { store, config } = deps;
  const now = deps.now ?? Date.now;
  const { requireAuthentication } = createAuthenticator({
    store,
    signingKey: config.signingKey,
    legacySecret: config.legacySecret,
    now,
  });

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
