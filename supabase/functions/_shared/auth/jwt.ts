// JWT verification for edge functions: user access tokens (HS256 with the project secret, or
// ES256/RS256 through the project's JWKS, as hosted Supabase issues them) and `apikey` headers
// (legacy anon / service_role keys are JWTs; new `sb_publishable_…`/`sb_secret_…` keys are opaque).
//
// One auth error vocabulary for every function (RFC 6750), so a client can act on the code alone:
//   401 unauthorized        no credentials          `WWW-Authenticate: Bearer realm="tallyq"`  → sign in
//   401 invalid_token       expired                 error_description="Token has expired"     → refresh
//   401 invalid_token       any other bad token     error_description says why                → sign in again
//   403 insufficient_scope  an API key (anon, service_role, sb_…) where a user's token is needed → sign in
// The body is `{ error, message }` with `error` = the code above and `message` = the description.

import {
  createLocalJWKSet,
  createRemoteJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  errors,
  type JSONWebKeySet,
  type JWTPayload,
  jwtVerify,
  SignJWT,
} from 'npm:jose@^6.0.11';
import { timingSafeEqual } from 'node:crypto';
import { z } from 'npm:zod@^3.24.4';
import { withoutEmpty } from '../config/env.ts';
import { parseKeyList } from '../config/platform-keys.ts';
import { HttpError, ServiceUnavailable, Unauthorized } from '../http/errors.ts';

// ---------------------------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------------------------

/** Claims of a Supabase Auth access token (the parts functions rely on). */
export interface UserClaims extends JWTPayload {
  sub: string;
  role: string;
  aud: string | string[];
  exp: number;
  email?: string;
  phone?: string;
  session_id?: string;
  is_anonymous?: boolean;
  aal?: string;
  app_metadata?: Record<string, unknown>;
  user_metadata?: Record<string, unknown>;
}

export type ApiKeyRole = 'anon' | 'service_role';

export interface ApiKeyPrincipal {
  role: ApiKeyRole;
  /** Claims when the key is a (legacy) JWT; undefined for opaque `sb_…` keys. */
  claims?: JWTPayload;
}

export interface JwtVerifierConfig {
  /** The legacy HS256 project secret (TALLYQ_JWT_SECRET). Omit to refuse HS256 tokens. */
  secret?: string;
  /** JWKS for ES256/RS256: a URL (fetched and cached by jose) or a key set object. */
  jwks?: string | URL | JSONWebKeySet;
  /** Accepted `iss` for user tokens, e.g. `https://<ref>.supabase.co/auth/v1`. Omit: not checked. */
  issuer?: string | string[];
  /** Accepted `aud` for user tokens. Default `authenticated`. */
  audience?: string | string[];
  /** Accepted `iss` of legacy JWT API keys. Default `supabase` and `supabase-demo` (local CLI). */
  apiKeyIssuers?: string[];
  /** Opaque API keys (`sb_publishable_…` → anon, `sb_secret_…` → service_role) to accept. */
  opaqueKeys?: { publishable?: string[]; secret?: string[] };
  /** Leeway for exp/nbf/iat in seconds. Default 0. */
  clockToleranceSeconds?: number;
  /** Injectable clock (ms epoch) for tests. */
  now?: () => number;
}

export interface VerifyOptions {
  audience?: string | string[];
  issuer?: string | string[];
  /** Skip the audience check (API keys carry none). */
  anyAudience?: boolean;
  requiredClaims?: string[];
}

export interface JwtVerifier {
  /** Verifies a compact JWT and returns its claims; throws `Unauthorized`. */
  verify(token: string, options?: VerifyOptions): Promise<JWTPayload>;
  /** Verifies the `Authorization: Bearer` access token of a signed-in user (role authenticated). */
  verifyUser(req: Request): Promise<UserClaims>;
  /** Verifies the `apikey` header (anon or service_role). */
  verifyApiKey(req: Request): Promise<ApiKeyPrincipal>;
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

const REALM = 'tallyq';
const quoted = (text: string) => text.replace(/["\\]/g, '');

/** A 401 whose `WWW-Authenticate` carries an RFC 6750 error description. */
export class InvalidToken extends Unauthorized {
  constructor(description: string, withErrorCode = true) {
    super(description, withErrorCode ? 'invalid_token' : 'unauthorized');
    this.headers['WWW-Authenticate'] = withErrorCode
      ? `Bearer realm="${REALM}", error="invalid_token", error_description="${quoted(description)}"`
      : `Bearer realm="${REALM}"`;
  }
}

/** A 403: the credentials are valid but are not a signed-in user's access token. */
export class InsufficientScope extends HttpError {
  constructor(description = "This endpoint needs a signed-in user's access token") {
    super(403, 'insufficient_scope', description, {
      'WWW-Authenticate':
        `Bearer realm="${REALM}", error="insufficient_scope", error_description="${
          quoted(description)
        }"`,
    });
  }
}

const MAX_TOKEN_LENGTH = 16_384;
const SYMMETRIC = ['HS256'];
const ASYMMETRIC = ['ES256', 'RS256'];

function mapJoseError(err: unknown): never {
  if (err instanceof errors.JWTExpired) throw new InvalidToken('Token has expired');
  if (err instanceof errors.JWTClaimValidationFailed) {
    const byClaim: Record<string, string> = {
      nbf: 'Token is not yet valid',
      iat: 'Token was issued in the future',
      aud: 'Token audience is not accepted',
      iss: 'Token issuer is not accepted',
    };
    throw new InvalidToken(byClaim[err.claim] ?? `Token claim "${err.claim}" is invalid`);
  }
  if (err instanceof errors.JWSSignatureVerificationFailed) {
    throw new InvalidToken('Token signature is invalid');
  }
  if (err instanceof errors.JOSEAlgNotAllowed || err instanceof errors.JOSENotSupported) {
    throw new InvalidToken('Token algorithm is not allowed');
  }
  if (err instanceof errors.JWKSNoMatchingKey) {
    throw new InvalidToken('Token signing key is unknown');
  }
  if (err instanceof errors.JWKSTimeout) {
    throw new ServiceUnavailable('Signing keys could not be fetched', 'jwks_unavailable');
  }
  if (err instanceof errors.JOSEError) throw new InvalidToken('Token is malformed');
  if (err instanceof Unauthorized) throw err;
  // Anything else (network failure fetching the JWKS, …) is ours, not the client's.
  throw new ServiceUnavailable('Signing keys could not be fetched', 'jwks_unavailable');
}

// ---------------------------------------------------------------------------------------------
// Request helpers
// ---------------------------------------------------------------------------------------------

/** The token of an `Authorization: Bearer <token>` header; throws `Unauthorized` if absent. */
export function bearerToken(req: Request): string {
  const header = req.headers.get('authorization');
  if (!header) throw new InvalidToken('Missing authorization header', false);
  const match = /^Bearer[ ]+([A-Za-z0-9._~+/=-]+)\s*$/i.exec(header);
  if (!match) throw new InvalidToken('Authorization header is not a Bearer token');
  return match[1];
}

function safeEqual(a: string, b: string): boolean {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

const userClaimsSchema = z.object({
  sub: z.string().min(1),
  role: z.string().min(1),
  exp: z.number(),
  aud: z.union([z.string(), z.array(z.string())]),
}).passthrough();

// ---------------------------------------------------------------------------------------------
// Verifier
// ---------------------------------------------------------------------------------------------

export function createJwtVerifier(config: JwtVerifierConfig): JwtVerifier {
  if (!config.secret && !config.jwks) {
    throw new Error('createJwtVerifier needs a secret (HS256) or a JWKS (ES256/RS256)');
  }
  const secret = config.secret ? new TextEncoder().encode(config.secret) : undefined;
  const jwks = config.jwks === undefined
    ? undefined
    : typeof config.jwks === 'string' || config.jwks instanceof URL
    ? createRemoteJWKSet(new URL(config.jwks), { timeoutDuration: 3_000, cooldownDuration: 30_000 })
    : createLocalJWKSet(config.jwks);
  const audience = config.audience ?? 'authenticated';
  const apiKeyIssuers = config.apiKeyIssuers ?? ['supabase', 'supabase-demo'];
  const now = config.now ?? Date.now;

  async function verify(token: string, options: VerifyOptions = {}): Promise<JWTPayload> {
    if (token.length > MAX_TOKEN_LENGTH) throw new InvalidToken('Token is too long');
    if (token.split('.').length !== 3) throw new InvalidToken('Token is malformed');
    let alg: string | undefined;
    try {
      alg = decodeProtectedHeader(token).alg;
    } catch {
      throw new InvalidToken('Token is malformed');
    }
    const common = {
      audience: options.anyAudience ? undefined : options.audience ?? audience,
      issuer: options.issuer,
      clockTolerance: config.clockToleranceSeconds ?? 0,
      currentDate: new Date(now()),
      requiredClaims: ['exp', ...(options.requiredClaims ?? [])],
    };
    try {
      // The header picks the key family, and each family is pinned to its own algorithms, so an
      // HS256 token can never be checked against a public key (and `none` matches no family).
      if (alg !== undefined && SYMMETRIC.includes(alg)) {
        if (!secret) throw new InvalidToken('Token algorithm is not allowed');
        return (await jwtVerify(token, secret, { ...common, algorithms: SYMMETRIC })).payload;
      }
      if (alg !== undefined && ASYMMETRIC.includes(alg)) {
        if (!jwks) throw new InvalidToken('Token algorithm is not allowed');
        return (await jwtVerify(token, jwks, { ...common, algorithms: ASYMMETRIC })).payload;
      }
    } catch (err) {
      mapJoseError(err);
    }
    throw new InvalidToken('Token algorithm is not allowed');
  }

  /** An API key sent where a user's token belongs: valid keys get 403, anything else 401. */
  async function rejectApiKeyAsUser(token: string): Promise<void> {
    if (token.startsWith('sb_publishable_') || token.startsWith('sb_secret_')) {
      throw new InsufficientScope(
        "API keys are not access tokens: send the key in the apikey header and a signed-in user's access token as the Bearer token",
      );
    }
    let claims: JWTPayload;
    try {
      claims = decodeJwt(token);
    } catch {
      return; // not a JWT: verify() reports it
    }
    if (claims.sub === undefined && (claims.role === 'anon' || claims.role === 'service_role')) {
      await verify(token, { anyAudience: true, issuer: apiKeyIssuers });
      throw new InsufficientScope(
        `The ${claims.role} key is not a user's access token: sign in and send the user's access token`,
      );
    }
  }

  async function verifyUser(req: Request): Promise<UserClaims> {
    const token = bearerToken(req);
    await rejectApiKeyAsUser(token);
    const payload = await verify(token, {
      issuer: config.issuer,
      requiredClaims: ['sub'],
    });
    const parsed = userClaimsSchema.safeParse(payload);
    if (!parsed.success) throw new InvalidToken('Token is not a user access token');
    if (parsed.data.role !== 'authenticated') throw new InsufficientScope();
    return parsed.data as UserClaims;
  }

  async function verifyApiKey(req: Request): Promise<ApiKeyPrincipal> {
    const key = req.headers.get('apikey');
    if (!key) throw new InvalidToken('Missing apikey header', false);
    if (key.startsWith('sb_publishable_') || key.startsWith('sb_secret_')) {
      const match = (list: string[] | undefined) => (list ?? []).some((k) => safeEqual(k, key));
      if (match(config.opaqueKeys?.secret)) return { role: 'service_role' };
      if (match(config.opaqueKeys?.publishable)) return { role: 'anon' };
      throw new InvalidToken('API key is not recognised');
    }
    const claims = await verify(key, { anyAudience: true, issuer: apiKeyIssuers });
    if (claims.role !== 'anon' && claims.role !== 'service_role') {
      throw new InvalidToken('API key has no anon or service_role role');
    }
    return { role: claims.role, claims };
  }

  return { verify, verifyUser, verifyApiKey };
}

// ---------------------------------------------------------------------------------------------
// Configuration from env
// ---------------------------------------------------------------------------------------------

// Names a user sets never start with SUPABASE_ (`supabase secrets set` refuses that prefix); the
// SUPABASE_* names read here are the ones the platform provides.
const envSchema = z.object({
  SUPABASE_URL: z.string().url().optional(),
  SUPABASE_PUBLISHABLE_KEYS: z.string().optional(),
  SUPABASE_SECRET_KEYS: z.string().optional(),
  TALLYQ_JWT_SECRET: z.string().min(32).optional(),
  TALLYQ_JWKS_URL: z.string().url().optional(),
  TALLYQ_JWT_ISSUER: z.string().min(1).optional(),
  TALLYQ_JWT_AUDIENCE: z.string().min(1).optional(),
});

/**
 * Builds the verifier from env. Asymmetric keys (JWT signing keys, the default of new projects):
 * JWKS from TALLYQ_JWKS_URL, default `${SUPABASE_URL}/auth/v1/.well-known/jwks.json` (fetched
 * lazily, cached, re-fetched for an unknown `kid`, so key rotation needs no redeploy). Legacy
 * HS256 tokens: only when TALLYQ_JWT_SECRET holds the project's legacy JWT secret. Issuer
 * TALLYQ_JWT_ISSUER (default `${SUPABASE_URL}/auth/v1`), audience TALLYQ_JWT_AUDIENCE (comma list,
 * default authenticated). Opaque API keys: the platform's SUPABASE_PUBLISHABLE_KEYS /
 * SUPABASE_SECRET_KEYS.
 */
export function jwtVerifierFromEnv(env: Record<string, string | undefined>): JwtVerifier {
  const parsed = envSchema.safeParse(withoutEmpty(env));
  if (!parsed.success) {
    const names = parsed.error.issues.map((i) => i.path.join('.')).join(', ');
    throw new Error(`Invalid JWT configuration in env: ${names}`);
  }
  const e = parsed.data;
  const base = e.SUPABASE_URL?.replace(/\/$/, '');
  const jwks = e.TALLYQ_JWKS_URL ?? (base ? `${base}/auth/v1/.well-known/jwks.json` : undefined);
  if (!e.TALLYQ_JWT_SECRET && !jwks) {
    throw new Error('Missing env: SUPABASE_URL (for the JWKS) or TALLYQ_JWT_SECRET');
  }
  const list = (v?: string) => v?.split(',').map((s) => s.trim()).filter(Boolean);
  return createJwtVerifier({
    secret: e.TALLYQ_JWT_SECRET,
    jwks,
    issuer: e.TALLYQ_JWT_ISSUER ?? (base ? `${base}/auth/v1` : undefined),
    audience: list(e.TALLYQ_JWT_AUDIENCE),
    opaqueKeys: {
      publishable: parseKeyList(e.SUPABASE_PUBLISHABLE_KEYS),
      secret: parseKeyList(e.SUPABASE_SECRET_KEYS),
    },
  });
}

// ---------------------------------------------------------------------------------------------
// Minting (local stack and tests only)
// ---------------------------------------------------------------------------------------------

/** Signs `claims` with HS256; `iat`/`exp` are set from `ttlSeconds` unless given in `claims`. */
export async function mintJwt(
  claims: JWTPayload,
  secret: string,
  ttlSeconds = 3600,
  nowMs = Date.now(),
): Promise<string> {
  const iat = Math.floor(nowMs / 1000);
  return await new SignJWT({ iat, exp: iat + ttlSeconds, ...claims })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .sign(new TextEncoder().encode(secret));
}
