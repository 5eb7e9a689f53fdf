import assert from 'node:assert/strict';
import { createJwtVerifier, mintJwt } from '../functions/_shared/auth/jwt.ts';
import { errorResponse } from '../functions/_shared/http/errors.ts';
import { gatewayAuth, readVerifyJwt } from './gateway.ts';

const SECRET = 'local-gateway-secret-with-at-least-32-characters';
const verifier = createJwtVerifier({ secret: SECRET });
const call = (method: string, headers: Record<string, string> = {}) =>
  new Request('http://127.0.0.1/functions/v1/receipts', { method, headers });

async function gatewayResponse(req: Request): Promise<Response | null> {
  try {
    await gatewayAuth(req, verifier);
    return null;
  } catch (err) {
    return errorResponse(err);
  }
}

Deno.test('gateway - config.toml: every function folder has verify_jwt = false', async () => {
  const toml = await Deno.readTextFile(new URL('../config.toml', import.meta.url));
  const settings = readVerifyJwt(toml);
  const functions: string[] = [];
  for await (const entry of Deno.readDir(new URL('../functions/', import.meta.url))) {
    if (entry.isDirectory && !entry.name.startsWith('_')) functions.push(entry.name);
  }
  assert.ok(functions.length >= 6);
  for (const name of functions) {
    assert.equal(settings.get(name), false, `[functions.${name}] verify_jwt must be false`);
  }
});

Deno.test('gateway - readVerifyJwt: a section without the key defaults to true, as hosted', () => {
  const settings = readVerifyJwt('[functions.a]\nverify_jwt = false\n[functions.b]\n[db]\n');
  assert.equal(settings.get('a'), false);
  assert.equal(settings.get('b'), true);
});

Deno.test('gateway - verify_jwt = true: a preflight without credentials passes', async () => {
  assert.equal(await gatewayResponse(call('OPTIONS')), null);
});

Deno.test('gateway - verify_jwt = true: missing token is 401 unauthorized with a Bearer challenge', async () => {
  const res = await gatewayResponse(call('GET'));
  assert.ok(res);
  assert.equal(res.status, 401);
  assert.equal((await res.json()).error, 'unauthorized');
  assert.equal(res.headers.get('www-authenticate'), 'Bearer realm="tallyq"');
});

Deno.test('gateway - verify_jwt = true: expired token says expired (invalid_token), as functions do', async () => {
  const expired = await mintJwt(
    { role: 'anon', iss: 'supabase' },
    SECRET,
    60,
    Date.now() - 3600_000,
  );
  const res = await gatewayResponse(call('GET', { authorization: `Bearer ${expired}` }));
  assert.ok(res);
  assert.equal(res.status, 401);
  assert.deepEqual(await res.json(), { error: 'invalid_token', message: 'Token has expired' });
  assert.match(
    res.headers.get('www-authenticate') ?? '',
    /error="invalid_token", error_description="Token has expired"/,
  );
});

Deno.test('gateway - verify_jwt = true: any valid project key passes; a wrong-key token does not', async () => {
  const anon = await mintJwt({ role: 'anon', iss: 'supabase' }, SECRET);
  assert.equal(await gatewayResponse(call('GET', { authorization: `Bearer ${anon}` })), null);
  const foreign = await mintJwt({ role: 'anon' }, 'another-secret-with-at-least-32-characters!!');
  const res = await gatewayResponse(call('GET', { authorization: `Bearer ${foreign}` }));
  assert.equal(res?.status, 401);
  assert.equal((await res!.json()).message, 'Token signature is invalid');
});
