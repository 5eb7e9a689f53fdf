// Usage: deno run --allow-env --allow-read scripts/mint-jwt.ts <anon|service_role|authenticated> [user_id] [email]
// Mints a project JWT for the local stack and tests, shaped like what hosted Supabase issues:
//   anon / service_role: legacy API keys, HS256 with JWT_SECRET (auth/jwt.ts mintJwt);
//   authenticated: a user access token, ES256 with the auth stand-in's key (AUTH_SIGNING_KEY_PATH,
//     supabase/local/auth/) so functions verify it through the JWKS, as hosted; HS256 with
//     JWT_SECRET only when no signing key is configured.
import { SignJWT } from 'npm:jose@^6.0.11';
import { mintJwt } from '../supabase/functions/_shared/auth/jwt.ts';
import { loadOrCreateSigningKey } from '../supabase/local/auth/signing-key.ts';

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
const keyPath = Deno.env.get('AUTH_SIGNING_KEY_PATH');
if (user && keyPath) {
  const key = await loadOrCreateSigningKey(keyPath);
  const iat = Math.floor(Date.now() / 1000);
  console.log(
    await new SignJWT({ iat, exp: iat + ttl, ...claims })
      .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'JWT' })
      .sign(key.privateKey),
  );
} else {
  console.log(await mintJwt(claims, secret, ttl));
}
