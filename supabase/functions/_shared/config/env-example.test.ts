// .env.example is what `supabase secrets set --env-file .env` sends: every name must be one the
// CLI accepts (no reserved SUPABASE_ prefix) and one the functions actually read.
import assert from 'node:assert/strict';

const root = new URL('../../../../', import.meta.url);
const example = await Deno.readTextFile(new URL('.env.example', root));
const entries = [...example.matchAll(/^(#\s*)?([A-Z][A-Z0-9_]*)=/gm)].map((m) => ({
  name: m[2],
  set: !m[1],
}));

async function functionSources(dir: URL): Promise<string> {
  let text = '';
  for await (const e of Deno.readDir(dir)) {
    const url = new URL(e.name + (e.isDirectory ? '/' : ''), dir);
    if (e.isDirectory) text += await functionSources(url);
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) {
      text += await Deno.readTextFile(url);
    }
  }
  return text;
}

Deno.test('.env.example - no name uses the reserved SUPABASE_ prefix', () => {
  assert.ok(entries.length > 20);
  assert.deepEqual(entries.filter((e) => e.name.startsWith('SUPABASE_')), []);
});

Deno.test('.env.example - what a deploy must set is there, uncommented', () => {
  const set = new Set(entries.filter((e) => e.set).map((e) => e.name));
  for (
    const name of ['WORKER_SECRET', 'AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']
  ) {
    assert.ok(set.has(name), `${name} must be an uncommented line`);
  }
});

Deno.test('.env.example - every name is read by a function', async () => {
  const sources = await functionSources(new URL('supabase/functions/', root));
  // Some names are built from a prefix: RATE_LIMIT_<ROUTE>_* (ratelimit/policy.ts) and the queue
  // consumers' <PREFIX>_BATCH_SIZE, … (queue/config.ts); for those the suffix must be read.
  const built = /^(RATE_LIMIT_[A-Z]+|WORKER|WEBHOOK_PROCESSOR)(_[A-Z_]+)$/;
  const read = (n: string) => {
    if (sources.includes(n)) return true;
    const m = built.exec(n);
    return m !== null && (n.startsWith('RATE_LIMIT_') || sources.includes(`\${prefix}${m[2]}`));
  };
  // TEXTRACT_S3_* (the PDF/TIFF staging bucket) is read by the harden-io branch's staging.ts, not yet
  // merged here: drop this exception once it is.
  const pending = (n: string) => n.startsWith('TEXTRACT_S3_') && !sources.includes('TEXTRACT_S3_');
  const unread = entries.map((e) => e.name).filter((n) => !read(n) && !pending(n));
  assert.deepEqual(unread, []);
});
