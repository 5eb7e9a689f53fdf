// Reads and validates configuration once, through an injectable seam, failing fast with a
// message that names every missing or malformed variable.
import { z } from 'npm:zod@^3.24.4';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** `NAME=` (an empty line in an env file) means unset, as users expect. */
export function withoutEmpty(
  source: Record<string, string | undefined>,
): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(source).filter(([, v]) => v !== ''));
}

export function loadEnv<T extends z.ZodRawShape>(
  shape: T,
  source: Record<string, string | undefined> = Deno.env.toObject(),
): z.infer<z.ZodObject<T>> {
  const parsed = z.object(shape).safeParse(withoutEmpty(source));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  }
  return parsed.data;
}

/**
 * The variables hosted Supabase provides to every edge function that tallyq requires. (API keys
 * differ between legacy and new projects: see platform-keys.ts.)
 */
export const platformEnv = {
  SUPABASE_URL: z.string().url(),
  SUPABASE_DB_URL: z.string().min(1),
};
