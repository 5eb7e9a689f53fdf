// Usage: deno run --allow-env scripts/mint-jwt.ts <anon|service_role|authenticated> [user_id] [email]
// Mints a project JWT signed with JWT_SECRET (HS256), shaped like the keys and access tokens that
// hosted Supabase issues, for the local stack and tests (signing: auth/jwt.ts mintJwt).
import { mintJwt } from '../supabase/functions/_shared/auth/jwt.ts';

const [role, sub, email] = Deno.args;
const secret = Deno.env.get('JWT_SECRET');
if (!secret) throw new Error('JWT_SECRET is not set');
if (!['anon', 'service_role', 'authenticated'].includes(role ?? '')) {
  throw new Error('usage: mint-jwt.ts <anon|service_role|authenticated> [user_id] [email]');
}
const user = role === 'authenticated';
// User tokens carry GoTrue's issuer (<project URL>/auth/v1); API keys carry 'supabase'.
const claims = user
  ? {
    sub,
    email,
    role,
    aud: 'authenticated',
    app_metadata: { provider: 'email' },
    iss: `${Deno.env.get('SUPABASE_URL') ?? ''}/auth/v1`,
  }
  : { role, ref: 'local', iss: 'supabase' };
const ttl = user ? 7 * 24 * 3600 : 10 * 365 * 24 * 3600;
console.log(await mintJwt(claims, secret, ttl));
