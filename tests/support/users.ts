// Users, their access tokens and the stack's env file: the one support module that end-to-end
// tests (vitest on Node) and benchmarks (Deno) share. Bare imports resolve in both runtimes
// through package.json.
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type postgres from 'postgres';
import { importJWK, type JWK, SignJWT } from 'jose';

export type StackEnv = Record<string, string>;

/** Parses .tallyq/<profile>/stack.env (KEY=VALUE lines; single-quoted values unquoted). */
export async function readStackEnv(path: string): Promise<StackEnv> {
  const env: StackEnv = {};
  for (const line of (await readFile(path, 'utf8')).split('\n')) {
    const m = line.match(/^([A-Z0-9_]+)=(.*)$/);
    if (!m) continue;
    const v = m[2];
    env[m[1]] = v.length >= 2 && v.startsWith("'") && v.endsWith("'") ? v.slice(1, -1) : v;
  }
  return env;
}

export type Owner = { id: string; orgId: string };

/** Many users in one statement (the sign-up trigger gives each a personal organisation). */
export async function createUsers(
  sql: postgres.Sql,
  count: number,
  label = 'bulk',
): Promise<Owner[]> {
  const ids = Array.from({ length: count }, () => randomUUID());
  await sql`insert into auth.users (id, email, role, aud)
    select u, ${label} || '-' || u || '@test.tallyq.local', 'authenticated', 'authenticated'
    from unnest(${`{${ids.join(',')}}`}::uuid[]) as u`;
  const rows = await sql`select user_id as id, organisation_id as "orgId" from public.memberships
    where user_id = any(${`{${ids.join(',')}}`}::uuid[]) and role = 'owner'`;
  return rows as unknown as Owner[];
}

/**
 * What minting needs from the stack: the auth issuer's base URL, the HS256 project secret and,
 * when the stack has one, the auth stand-in's ES256 key (AUTH_SIGNING_KEY_PATH in stack.env).
 */
export type TokenIssuer = {
  SUPABASE_URL: string;
  JWT_SECRET: string;
  AUTH_SIGNING_KEY_PATH?: string;
};

const signingKeys = new Map<string, Promise<{ kid: string; key: CryptoKey }>>();

/** The auth stand-in's private JWK (supabase/local/auth/signing-key.ts writes it), read once. */
function signingKey(path: string) {
  let loaded = signingKeys.get(path);
  if (!loaded) {
    loaded = readFile(path, 'utf8').then(async (text) => {
      const jwk = JSON.parse(text) as JWK;
      return { kid: jwk.kid as string, key: await importJWK(jwk, 'ES256') as CryptoKey };
    });
    signingKeys.set(path, loaded);
  }
  return loaded;
}

/**
 * A Supabase Auth access token for `sub`, as GoTrue would issue it: ES256 with the stand-in's key
 * and kid (functions verify it through the JWKS) when the stack has one, else HS256 (legacy).
 * Tests that need a session (refresh, sign out) sign in for real instead: see createPasswordUser.
 */
export async function mintUserJwt(
  issuer: TokenIssuer,
  sub: string,
  email = `${sub}@test.tallyq.local`,
  ttlSeconds = 3600,
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT({ sub, email, role: 'authenticated', aud: 'authenticated' })
    .setIssuer(`${issuer.SUPABASE_URL}/auth/v1`)
    .setIssuedAt(now)
    .setExpirationTime(now + ttlSeconds);
  if (issuer.AUTH_SIGNING_KEY_PATH) {
    const { kid, key } = await signingKey(issuer.AUTH_SIGNING_KEY_PATH);
    return await jwt.setProtectedHeader({ alg: 'ES256', kid, typ: 'JWT' }).sign(key);
  }
  return await jwt.setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .sign(new TextEncoder().encode(issuer.JWT_SECRET));
}
