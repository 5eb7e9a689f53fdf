// GoTrue's requireAuthentication for /user and /logout: a Bearer access token signed by the
// stand-in's key (ES256, by kid) or, as GoTrue still accepts them, by the legacy HS256 secret;
// then its user, and its session when it names one, must still exist.
import {
  decodeProtectedHeader,
  errors as joseErrors,
  type JWTPayload,
  jwtVerify,
} from 'npm:jose@^6.0.11';
import { AuthError, badRequest, forbidden } from './errors.ts';
import { isBanned, type UserRow } from './session.ts';
import type { SigningKey } from './signing-key.ts';
import type { AuthStore } from './store.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NIL_UUID = '00000000-0000-0000-0000-000000000000';

export function createAuthenticator(deps: {
  store: Pick<AuthStore, 'findUser' | 'sessionExists'>;
  signingKey: SigningKey;
  legacySecret?: string;
  now: () => number;
}) {
  const { store, now } = deps;
  const legacyKey = deps.legacySecret ? new TextEncoder().encode(deps.legacySecret) : null;

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
      if (header.alg === 'ES256' && header.kid === deps.signingKey.kid) {
        return (await jwtVerify(token, deps.signingKey.publicKey, {
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

  return { requireAuthentication };
}
