// Users, their access tokens and the stack's env file: the one support module that end-to-end
// tests (vitest on Node) and benchmarks (Deno) share. Bare imports resolve in both runtimes
// through package.json.
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type postgres from 'postgres';
import { SignJWT } from 'jose';

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

/** What minting needs from the stack: the auth issuer's base URL and the HS256 project secret. */
export type TokenIssuer = { SUPABASE_URL: string; JWT_SECRET: string };

/** A Supabase Auth access token for `sub`, as GoTrue would issue it (HS256). */
export function mintUserJwt(
  issuer: TokenIssuer,
  sub: string,
  email = `${sub}@test.tallyq.local`,
  ttlSeconds = 3600,
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ sub, email, role: 'authenticated', aud: 'authenticated' })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(`${issuer.SUPABASE_URL}/auth/v1`)
    .setIssuedAt(now)
    .setExpirationTime(now + ttlSeconds)
    .sign(new TextEncoder().encode(issuer.JWT_SECRET));
}
