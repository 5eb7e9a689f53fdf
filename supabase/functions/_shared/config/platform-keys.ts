// The project's API keys as hosted Supabase hands them to functions. New projects get
// SUPABASE_PUBLISHABLE_KEYS / SUPABASE_SECRET_KEYS as JSON dictionaries ({"default":"sb_secret_…"});
// legacy projects SUPABASE_ANON_KEY / SUPABASE_SERVICE_ROLE_KEY (JWTs). Both are reserved names a
// user never sets. A comma-separated list is accepted too (self-hosting, tests).

/** The key values of a JSON dictionary or comma-separated list; [] when unset or empty. */
export function parseKeyList(value: string | undefined): string[] {
  const text = value?.trim();
  if (!text) return [];
  if (text.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new Error('API key list looks like JSON but does not parse');
    }
    return Object.values(parsed as Record<string, unknown>)
      .filter((v): v is string => typeof v === 'string' && v.length > 0);
  }
  return text.split(',').map((s) => s.trim()).filter(Boolean);
}

/**
 * The key a function uses for service_role calls to other platform APIs (Storage): the `default`
 * secret key of a new project, else the legacy service_role key; null when neither is set.
 */
export function serviceKeyFromEnv(env: Record<string, string | undefined>): string | null {
  const text = env.SUPABASE_SECRET_KEYS?.trim();
  if (text?.startsWith('{')) {
    try {
      const dict = JSON.parse(text) as Record<string, unknown>;
      if (typeof dict.default === 'string' && dict.default) return dict.default;
    } catch { /* reported by parseKeyList where it matters */ }
  }
  return parseKeyList(env.SUPABASE_SECRET_KEYS)[0] ?? env.SUPABASE_SERVICE_ROLE_KEY ?? null;
}
