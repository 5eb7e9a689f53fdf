// Usage: deno run --allow-env scripts/mint-jwt.ts <anon|service_role|authenticated> [user_id] [email]
// Mints a project JWT signed with JWT_SECRET (HS256), shaped like the keys and access tokens that
// hosted Supabase issues, for the local stack and tests.
import { SignJWT } from 'npm:jose@^6.0.11';

const [role, sub, email] = Deno.args;
const secret = Deno.env.get('JWT_SECRET');
if (!secret) throw new Error('JWT_SECRET is not set');
if (!['anon', 'service_role', 'authenticated'].includes(role ?? '')) {
  throw new Error('usage: mint-jwt.ts <anon|service_role|authenticated> [user_id] [email]');
}
const now = Math.floor(Date.now() / 1000);
const claims: Record<string, unknown> = role === 'authenticated'
  ? { sub, email, role, aud: 'authenticated', app_metadata: { provider: 'email' } }
  : { role, ref: 'local' };
const ttl = role === 'authenticated' ? 7 * 24 * 3600 : 10 * 365 * 24 * 3600;
const jwt = await new SignJWT(claims)
  .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
  // User tokens carry GoTrue's issuer (<project URL>/auth/v1); API keys carry 'supabase'.
  .setIssuer(
    role === 'authenticated' ? `${Deno.env.get('SUPABASE_URL') ?? ''}/auth/v1` : 'supabase',
  )
  .setIssuedAt(now)
  .setExpirationTime(now + ttl)
  .sign(new TextEncoder().encode(secret));
console.log(jwt);
