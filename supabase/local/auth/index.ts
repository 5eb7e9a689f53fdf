// Wiring of the GoTrue-compatible auth stand-in: env → signing key, database, handler. Served by
// the local functions server at <SUPABASE_URL>/auth/v1 (supabase/local/functions-server.ts).
// Env (scripts/stack.sh writes it): SUPABASE_URL, SUPABASE_DB_URL, AUTH_SIGNING_KEY_PATH (private
// JWK in .tallyq/<profile>/, created on first start), JWT_SECRET (legacy HS256, optional), and
// GoTrue's own knobs GOTRUE_JWT_EXP, GOTRUE_SECURITY_REFRESH_TOKEN_REUSE_INTERVAL.
import { z } from 'npm:zod@^3.24.4';
import { createAuthHandler } from './handler.ts';
import { loadOrCreateSigningKey } from './signing-key.ts';
import { connectAuthDb, createAuthStore } from './store.ts';

const envSchema = z.object({
  SUPABASE_URL: z.string().url(),
  SUPABASE_DB_URL: z.string().min(1),
  AUTH_SIGNING_KEY_PATH: z.string().min(1),
  JWT_SECRET: z.string().min(32).optional(),
  GOTRUE_JWT_EXP: z.coerce.number().int().min(30).max(7 * 24 * 3600).default(3600),
  GOTRUE_SECURITY_REFRESH_TOKEN_REUSE_INTERVAL: z.coerce.number().int().min(0).max(3600)
    .default(10),
});

export type AuthHandler = (req: Request, ip?: string) => Promise<Response>;

export async function createLocalAuth(
  env: Record<string, string | undefined>,
  checkApiKey: (key: string) => Promise<boolean>,
): Promise<AuthHandler> {
  const parsed = envSchema.safeParse(
    Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== '')),
  );
  if (!parsed.success) {
    const names = parsed.error.issues.map((i) => i.path.join('.')).join(', ');
    throw new Error(`auth stand-in: missing or invalid env: ${names}`);
  }
  const e = parsed.data;
  const signingKey = await loadOrCreateSigningKey(e.AUTH_SIGNING_KEY_PATH);
  return createAuthHandler({
    store: createAuthStore(connectAuthDb(e.SUPABASE_DB_URL)),
    checkApiKey,
    config: {
      issuer: `${e.SUPABASE_URL.replace(/\/$/, '')}/auth/v1`,
      signingKey,
      legacySecret: e.JWT_SECRET,
      accessTokenTtlSeconds: e.GOTRUE_JWT_EXP,
      refreshReuseIntervalSeconds: e.GOTRUE_SECURITY_REFRESH_TOKEN_REUSE_INTERVAL,
    },
  });
}
