import assert from 'node:assert/strict';
import { HttpError } from './errors.ts';
import { createRouter, functionPath, route } from './router.ts';

const echo = (name: string) => (_req: Request, params: Record<string, string>) =>
  Promise.resolve(Response.json({ name, params }));

const router = createRouter([
  route('GET', '/:id', echo('one')),
  route('GET', '', echo('list')),
  route('POST', '', echo('create')),
  route('POST', '/uploads', echo('uploads')),
], { base: '/things', preflight: true });

const call = async (method: string, path: string) => {
  try {
    const res = await router(new Request(`http://x/functions/v1${path}`, { method }));
    return { status: res.status, body: res.status === 204 ? null : await res.json() };
  } catch (err) {
    assert.ok(err instanceof HttpError);
    return { status: err.status, allow: err.headers.Allow };
  }
};

Deno.test('router - method and pattern pick the handler; :name binds one segment', async () => {
  assert.deepEqual((await call('GET', '/things')).body, { name: 'list', params: {} });
  assert.deepEqual((await call('POST', '/things/')).body, { name: 'create', params: {} });
  assert.deepEqual((await call('GET', '/things/42')).body, { name: 'one', params: { id: '42' } });
});

Deno.test('router - a static segment wins over a parameter, whatever the declaration order', async () => {
  assert.deepEqual((await call('POST', '/things/uploads')).body, { name: 'uploads', params: {} });
  assert.deepEqual(await call('GET', '/things/uploads'), { status: 405, allow: 'POST' });
});

Deno.test('router - unknown paths are 404, known paths with another method 405 naming the allowed', async () => {
  assert.equal((await call('GET', '/things/1/2')).status, 404);
  assert.equal((await call('GET', '/thingsX')).status, 404);
  assert.equal((await call('GET', '/other')).status, 404);
  assert.deepEqual(await call('DELETE', '/things'), { status: 405, allow: 'GET, POST' });
});

Deno.test('router - OPTIONS under the base is an empty 204 when preflight is on', async () => {
  assert.deepEqual(await call('OPTIONS', '/things/any/depth'), { status: 204, body: null });
  assert.equal((await call('OPTIONS', '/other')).status, 404);
});

Deno.test('functionPath - drops the gateway prefix and trailing slashes', () => {
  assert.equal(functionPath(new URL('http://x/functions/v1/receipts//')), '/receipts');
  assert.equal(functionPath(new URL('http://x/receipts/a')), '/receipts/a');
});
