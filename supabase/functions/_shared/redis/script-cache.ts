// EVALSHA-first script execution shared by the Redis adapters: scripts are sent by SHA-1 and only
// re-sent in full (EVAL, which also caches them server-side) when Redis answers NOSCRIPT.

import { createHash } from 'node:crypto';

const shas = new Map<string, string>();

export function scriptSha(script: string): string {
  let sha = shas.get(script);
  if (!sha) {
    sha = createHash('sha1').update(script).digest('hex');
    shas.set(script, sha);
  }
  return sha;
}

export function isNoScript(err: unknown): boolean {
  return err instanceof Error && err.message.toUpperCase().includes('NOSCRIPT');
}

/** Runs `evalsha`, falling back to `evalScript` once when the script is not cached. */
export async function evalWithFallback<T>(
  script: string,
  evalsha: (sha: string) => Promise<T>,
  evalScript: () => Promise<T>,
): Promise<T> {
  try {
    return await evalsha(scriptSha(script));
  } catch (err) {
    if (isNoScript(err)) return await evalScript();
    throw err;
  }
}
