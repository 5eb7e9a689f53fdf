// The TypeScript files of the edge functions (supabase/functions), for the hygiene checks.
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const FUNCTIONS_DIR = join(ROOT, 'supabase/functions');

export async function* functionSources(dir = FUNCTIONS_DIR): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) yield* functionSources(path);
    else if (entry.isFile && entry.name.endsWith('.ts')) yield path;
  }
}

export const fromRoot = (path: string) => relative(ROOT, path);
