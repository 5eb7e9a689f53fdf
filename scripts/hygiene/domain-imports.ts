// Hygiene check (scripts/test.sh): a domain never imports another domain's internals, and the
// generic plumbing under _shared/ (http, queue, db, redis, config, ...) imports no domain at all;
// what two domains share moves down into plumbing. Function folders (supabase/functions/<name>/)
// are wiring and may import anything.
// Run: node_modules/.bin/deno test -A --quiet scripts/hygiene/domain-imports.ts
import assert from 'node:assert/strict';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fromRoot, FUNCTIONS_DIR, functionSources } from './source-files.ts';

/** The domain folders under supabase/functions/_shared; every other folder there is plumbing. */
export const DOMAINS = ['receipts', 'webhooks', 'ledger'];

const SHARED = join(FUNCTIONS_DIR, '_shared');
const IMPORT =
  /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]/g;

/** `domain:<name>`, `plumbing:<folder>` or null (outside _shared). */
function owner(path: string): string | null {
  const rel = relative(SHARED, path);
  if (rel.startsWith('..')) return null;
  const top = rel.split(sep)[0];
  return DOMAINS.includes(top) ? `domain:${top}` : `plumbing:${top}`;
}

/** The imports in `source` (a file at `path`) that cross a boundary, as `from -> to` lines. */
export function boundaryViolations(path: string, source: string): string[] {
  const from = owner(path);
  if (from === null) return [];
  const out: string[] = [];
  for (const m of source.matchAll(IMPORT)) {
    const target = resolve(dirname(path), m[1] ?? m[2]);
    const to = owner(target);
    if (to === null || to === from || !to.startsWith('domain:')) continue;
    out.push(`${fromRoot(path)} -> ${fromRoot(target)}`);
  }
  return out;
}

Deno.test('hygiene - the import check flags a domain reaching into another and plumbing into one', () => {
  const at = (p: string) => join(SHARED, p);
  assert.deepEqual(
    boundaryViolations(
      at('webhooks/ingest/handler.ts'),
      "import { x } from '../../receipts/api/upload.ts';",
    ),
    ['supabase/functions/_shared/webhooks/ingest/handler.ts -> supabase/functions/_shared/receipts/api/upload.ts'],
  );
  assert.equal(
    boundaryViolations(
      at('queue/consumer-handler.ts'),
      "import type { X } from '../receipts/worker/worker.ts';",
    ).length,
    1,
  );
  assert.deepEqual(
    boundaryViolations(
      at('receipts/worker/worker.ts'),
      "import { a } from '../parser/parse.ts';\nimport { b } from '../../queue/drain.ts';",
    ),
    [],
  );
});

Deno.test('hygiene - no domain imports another domain, no plumbing imports a domain', async () => {
  const violations: string[] = [];
  for await (const path of functionSources()) {
    violations.push(...boundaryViolations(path, await Deno.readTextFile(path)));
  }
  assert.deepEqual(violations, []);
});
