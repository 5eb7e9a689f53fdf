// The app's static server: config from env, files only from dist, the index for app routes.
import assert from 'node:assert/strict';
import { createAppHandler } from './serve.ts';

async function withDist(fn: (dist: string) => Promise<void>): Promise<void> {
  const dist = await Deno.makeTempDir();
  await Deno.mkdir(`${dist}/assets`);
  await Deno.writeTextFile(`${dist}/index.html`, '<!doctype html><title>app</title>');
  await Deno.writeTextFile(`${dist}/assets/index-abc.js`, 'console.log(1)');
  try {
    await fn(dist);
  } finally {
    await Deno.remove(dist, { recursive: true });
  }
}

const opts = (dist: string) => ({ dist, supabaseUrl: 'http://127.0.0.1:1', anonKey: 'anon-key' });

Deno.test('app server - /config.json gives the API URL and the anon key, never cached', async () => {
  await withDist(async (dist) => {
    const res = await createAppHandler(opts(dist))(new Request('http://app/config.json'));
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.deepEqual(await res.json(), {
      SUPABASE_URL: 'http://127.0.0.1:1',
      SUPABASE_ANON_KEY: 'anon-key',
    });
  });
});

Deno.test('app server - hashed assets are immutable; the CSP allows only the app and the API', async () => {
  await withDist(async (dist) => {
    const res = await createAppHandler(opts(dist))(new Request('http://app/assets/index-abc.js'));
    assert.equal(res.status, 200);
    assert.equal(await res.text(), 'console.log(1)');
    assert.match(res.headers.get('content-type') ?? '', /^text\/javascript/);
    assert.match(res.headers.get('cache-control') ?? '', /immutable/);
    const csp = res.headers.get('content-security-policy') ?? '';
    assert.match(csp, /connect-src 'self' http:\/\/127\.0\.0\.1:1/);
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  });
});

Deno.test('app server - a missing asset is 404, an app path gets the index page', async () => {
  await withDist(async (dist) => {
    const handle = createAppHandler(opts(dist));
    assert.equal((await handle(new Request('http://app/assets/gone.js'))).status, 404);
    const page = await handle(new Request('http://app/wallet'));
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<title>app<\/title>/);
  });
});

Deno.test('app server - nothing outside dist is served, however the path is encoded', async () => {
  await withDist(async (dist) => {
    await Deno.writeTextFile(`${dist}/../tallyq-secret-${dist.split('/').pop()}.txt`, 'secret');
    const handle = createAppHandler(opts(dist));
    const name = `tallyq-secret-${dist.split('/').pop()}.txt`;
    for (
      const path of [`/../${name}`, `/%2e%2e/${name}`, `/assets/..%2f..%2f${name}`, `/..%2f${name}`]
    ) {
      const res = await handle(new Request(`http://app${path}`));
      assert.notEqual(await res.text(), 'secret', path);
    }
    await Deno.remove(`${dist}/../${name}`);
  });
});

Deno.test('app server - a malformed path is a 400, not a crash', async () => {
  await withDist(async (dist) => {
    const res = await createAppHandler(opts(dist))(new Request('http://app/%E0%A4%A'));
    assert.equal(res.status, 400);
    assert.equal((await res.json()).error, 'bad_request');
  });
});

Deno.test('app server - only GET and HEAD', async () => {
  await withDist(async (dist) => {
    const res = await createAppHandler(opts(dist))(
      new Request('http://app/config.json', { method: 'POST', body: '{}' }),
    );
    assert.equal(res.status, 405);
    assert.equal((await res.json()).error, 'method_not_allowed');
  });
});
