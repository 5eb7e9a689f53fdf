// What a client developer meets first, over HTTP against the running stack: CORS preflights
// without credentials, one auth error vocabulary (expired → refresh), signed upload URLs that are
// their own credential and single-use, and uploads limited to what the OCR path can read.
//
//   eval "$(npm run -s env -- --profile test)"; npx vitest run tests/e2e/browser-and-uploads.test.ts
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, env, mintUserJwt, readSample, sql, type TestUser } from '../support/stack.ts';

const FUNCTIONS_URL = env('FUNCTIONS_URL');
const RECEIPTS = `${FUNCTIONS_URL}/receipts`;

let user: TestUser;
let jpeg: Uint8Array;

beforeAll(async () => {
  user = await createUser('first-hour');
  jpeg = await readSample('X51005433533');
});
afterAll(async () => {
  await sql.end();
});

function form(bytes: Uint8Array, name: string, type: string) {
  const body = new FormData();
  body.set('file', new Blob([bytes as Uint8Array<ArrayBuffer>], { type }), name);
  return body;
}
const receiptsOf = async (u: TestUser) =>
  (await sql`select count(*)::int as n from public.receipts where owner_id = ${u.id}`)[0].n;

describe('browser preflights', () => {
  for (const path of ['receipts', 'receipts/uploads', 'receipts/register', 'health']) {
    it(`OPTIONS /${path} without Authorization: 204 with CORS headers`, async () => {
      const res = await fetch(`${FUNCTIONS_URL}/${path}`, {
        method: 'OPTIONS',
        headers: {
          Origin: 'https://app.example',
          'Access-Control-Request-Method': 'POST',
          'Access-Control-Request-Headers': 'authorization, apikey, content-type, idempotency-key',
        },
      });
      expect(res.status).toBe(204);
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      const allowed = res.headers.get('access-control-allow-headers') ?? '';
      for (const h of ['authorization', 'apikey', 'content-type', 'idempotency-key']) {
        expect(allowed).toContain(h);
      }
    });
  }

  it('error responses carry CORS headers too, so the browser can read them', async () => {
    const res = await fetch(RECEIPTS, { headers: { Origin: 'https://app.example' } });
    expect(res.status).toBe(401);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-expose-headers')).toContain('www-authenticate');
  });

  it('health needs no key (verify_jwt = false) and says ok', async () => {
    const res = await fetch(`${FUNCTIONS_URL}/health`);
    expect(res.status).toBe(200);
    expect((await res.json()).status).toBe('ok');
  });
});

describe('auth error vocabulary', () => {
  it('an expired user token: 401 invalid_token whose description says expired', async () => {
    const expired = await mintUserJwt(user.id, user.email, -60);
    const res = await fetch(RECEIPTS, { headers: { Authorization: `Bearer ${expired}` } });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: 'invalid_token', message: 'Token has expired' });
    expect(res.headers.get('www-authenticate')).toBe(
      'Bearer realm="tallyq", error="invalid_token", error_description="Token has expired"',
    );
  });

  it('garbage: 401 invalid_token; no header: 401 unauthorized with a bare challenge', async () => {
    const garbage = await fetch(RECEIPTS, { headers: { Authorization: 'Bearer abc.def.ghi' } });
    expect(garbage.status).toBe(401);
    expect((await garbage.json()).error).toBe('invalid_token');
    const none = await fetch(RECEIPTS);
    expect(none.status).toBe(401);
    expect((await none.json()).error).toBe('unauthorized');
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="tallyq"');
  });
});

describe('signed upload URLs', () => {
  async function issue() {
    const res = await fetch(`${RECEIPTS}/uploads`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${user.jwt}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(201);
    return await res.json();
  }
  const put = (grant: { upload_url: string; headers: Record<string, string> }, bytes: Uint8Array) =>
    fetch(grant.upload_url, {
      method: 'PUT',
      headers: { ...grant.headers, 'content-type': 'image/jpeg' },
      body: bytes as Uint8Array<ArrayBuffer>,
    });

  it('the response says which headers and content types to send; the URL alone authorizes the PUT', async () => {
    const grant = await issue();
    expect(grant.headers).toEqual({});
    expect(grant.content_types).toContain('image/jpeg');
    const res = await put(grant, jpeg);
    expect(res.status).toBe(200);
  });

  it('single-use: a second PUT is 409, before and after register', async () => {
    const grant = await issue();
    expect((await put(grant, jpeg)).status).toBe(200);
    const again = await put(grant, jpeg);
    expect(again.status).toBe(409);
    expect((await again.json()).error).toBe('upload_url_used');
    const reg = await fetch(`${RECEIPTS}/register`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${user.jwt}`, 'content-type': 'application/json' },
      body: JSON.stringify({ path: grant.path }),
    });
    expect([200, 201]).toContain(reg.status);
    expect((await put(grant, jpeg)).status).toBe(409);
    const twice = await fetch(`${RECEIPTS}/register`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${user.jwt}`, 'content-type': 'application/json' },
      body: JSON.stringify({ path: grant.path }),
    });
    expect(twice.status).toBe(409);
  });
});

describe('only files the OCR path can read', () => {
  const upload = (u: TestUser, bytes: Uint8Array, name: string, type: string) =>
    fetch(RECEIPTS, {
      method: 'POST',
      headers: { Authorization: `Bearer ${u.jwt}` },
      body: form(bytes, name, type),
    });

  it('WebP and HEIC: 415 saying to convert, nothing stored', async () => {
    const u = await createUser('webp');
    const webp = new Uint8Array([...'RIFF\x10\0\0\0WEBPVP8 \0\0\0\0'].map((c) => c.charCodeAt(0)));
    const heic = new Uint8Array([
      0,
      0,
      0,
      16,
      ...[...'ftypheic'].map((c) => c.charCodeAt(0)),
      0,
      0,
      0,
      0,
    ]);
    for (
      const [bytes, name, type] of [[webp, 'r.webp', 'image/webp'], [
        heic,
        'r.heic',
        'image/heic',
      ]] as const
    ) {
      const res = await upload(u, bytes, name, type);
      expect(res.status).toBe(415);
      const body = await res.json();
      expect(body.error).toBe('unsupported_file_type');
      expect(body.message).toMatch(/convert it to JPEG/);
    }
    expect(await receiptsOf(u)).toBe(0);
  });

  it('a truncated JPEG: 422 incomplete_file, nothing stored', async () => {
    const u = await createUser('truncated');
    const res = await upload(
      u,
      jpeg.subarray(0, Math.floor(jpeg.length / 2)),
      'r.jpg',
      'image/jpeg',
    );
    expect(res.status).toBe(422);
    expect((await res.json()).error).toBe('incomplete_file');
    expect(await receiptsOf(u)).toBe(0);
  });
});
