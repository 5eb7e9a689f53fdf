// The app's runtime configuration comes from the server (/config.json), so one build runs against
// any stack or project: the API URL and the public (anon) key, never a secret.

export type AppConfig = { supabaseUrl: string; supabaseAnonKey: string };

export function parseConfig(raw: unknown): AppConfig {
  const c = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const url = c.SUPABASE_URL ?? c.supabaseUrl;
  const key = c.SUPABASE_ANON_KEY ?? c.supabaseAnonKey;
  if (typeof url !== 'string' || !/^https?:\/\//.test(url)) {
    throw new Error('config.json has no SUPABASE_URL');
  }
  if (typeof key !== 'string' || !key) throw new Error('config.json has no SUPABASE_ANON_KEY');
  return { supabaseUrl: url.replace(/\/$/, ''), supabaseAnonKey: key };
}
