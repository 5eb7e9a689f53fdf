// Receipts API end to end over HTTP against the running stack (functions server + Postgres +
// local storage): upload, dedup, Idempotency-Key, read, list, signed uploads, and bad input that
// must leave nothing behind (no row, no blob, no pgmq message).
//
//   set -a; . .tallyq/dev/stack.env; set +a; npx vitest run tests/e2e/receipts-api.test.ts
import { createClient } from '@supabase/supabase-js';
import { SignJWT } from 'jose';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createUser, env, readSample, sha256, sql, type TestUser } from '../support/stack.ts';

const FUNCTIONS_URL = env('FUNCTIONS_URL');
const RECEIPTS = `${FUNCTIONS_URL}/receipts`;
const STORAGE = env('LOCAL_STORAGE_DIR');
const MAX_BYTES = Number(process.env.RECEIPT_MAX_BYTES ?? 50 * 1024 * 1024);

// deno-lint-ignore no-explicit-any
type Json = Record<string, any>;

const auth = (user: TestUser, extra: Record<string, string> = {}) => ({
  Authorization: `Bearer ${user.jwt}`,
  ...extra,
});

function form(bytes: Uint8Array, name = 'receipt.jpg', type = 'image/jpeg', fields = {}) {
  const body = new FormData();
  body.set('file', new Blob([bytes as Uint8Array<ArrayBuffer>], { type }), name);
  for (const [k, v] of Object.entries(fields)) body.set(k, String(v));
  return body;
}

async function upload(
  user: TestUser,
  bytes: Uint8Array,
  opts: { headers?: Record<string, string>; name?: string; type?: string; fields?: object } = {},
): Promise<{ status: number; body: Json; headers: Headers }> {
  const res = await fetch(RECEIPTS, {
    method: 'POST',
    headers: auth(user, opts.headers),
    body: form(bytes, opts.name, opts.type, opts.fields),
  });
  return { status: res.status, body: await res.json(), headers: res.headers };
}

async function call(method: string, url: string, headers: Record<string, string>, body?: unknown) {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return {
    status: res.status,
    body: (text ? JSON.parse(text) : null) as Json,
    headers: res.headers,
  };
}

/** Messages ever enqueued for a receipt (still queued or already archived by the worker). */
async function messagesFor(receiptId: string): Promise<number> {
  const [{ n }] = await sql`
    select count(*)::int as n from (
      select message from pgmq.q_receipt_ocr union all select message from pgmq.a_receipt_ocr
    ) as m where m.message ->> 'receipt_id' = ${receiptId}`;
  return n;
}

/** Everything a user could have left behind: rows, events, files, and the queue's high mark. */
async function footprint(user: TestUser) {
  const [{ receipts }] = await sql`
    select count(*)::int as receipts from public.receipts where owner_id = ${user.id}`;
  // Only what an upload writes: the live worker adds processing/ocr_done events at its own pace.
  const [{ events }] = await sql`
    select count(*)::int as events from public.receipt_events
    where organisation_id = ${user.orgId} and event_type = 'uploaded'`;
  const [{ last_msg }] = await sql`
    select last_value::bigint::text as last_msg from pgmq.q_receipt_ocr_msg_id_seq`;
  const dir = join(STORAGE, user.orgId, user.id);
  const files = existsSync(dir) ? readdirSync(dir, { recursive: true }).map(String) : [];
  return { receipts, events, files, last_msg };
}

const TEXT = new TextEncoder().encode('This is not a receipt, just text renamed to .jpg\n');
let jpeg: Uint8Array;
let jpeg2: Uint8Array;
let jpeg3: Uint8Array;

beforeAll(async () => {
  jpeg = await readSample('X51005268400');
  jpeg2 = await readSample('X51005361950');
  jpeg3 = await readSample('X51005365179');
});

afterAll(async () => {
  await sql.end();
});

describe('receipts API - upload', () => {
  let user: TestUser;
  let first: { status: number; body: Json; headers: Headers };

  beforeAll(async () => {
    user = await createUser('upload');
    first = await upload(user, jpeg, { name: '../../evil/X51005268400.jpg' });
  });

  it('upload a sample receipt: 201 pending with hash, type, size and Location', () => {
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      status: 'pending',
      sha256: sha256(jpeg),
      content_type: 'image/jpeg',
      size_bytes: jpeg.byteLength,
      organisation_id: user.orgId,
      owner_id: user.id,
      original_filename: 'X51005268400.jpg',
    });
    expect(first.headers.get('location')).toBe(`${RECEIPTS}/${first.body.id}`);
    expect(first.headers.get('ratelimit-limit')).toBe('60');
  });

  it('upload: the row, the content-addressed blob, the uploaded event and one queue message exist', async () => {
    const [row] = await sql`select * from public.receipts where id = ${first.body.id}`;
    expect(row.storage_path).toBe(`${user.orgId}/${user.id}/${sha256(jpeg)}.jpg`);
    const stored = await readFile(join(STORAGE, row.storage_path));
    expect(sha256(stored)).toBe(sha256(jpeg));
    const events = await sql`select event_type from public.receipt_events
      where receipt_id = ${first.body.id} order by id`;
    expect(events[0].event_type).toBe('uploaded');
    expect(await messagesFor(first.body.id)).toBe(1);
  });

  it('duplicate: the same file again answers 200 with the same receipt, no new row or message', async () => {
    const again = await upload(user, jpeg, { name: 'other-name.jpg' });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    const [{ n }] = await sql`select count(*)::int as n from public.receipts
      where owner_id = ${user.id}`;
    expect(n).toBe(1);
    expect(await messagesFor(first.body.id)).toBe(1);
  });

  it('another user uploading the same file gets their own receipt', async () => {
    const other = await createUser('same-file');
    const res = await upload(other, jpeg);
    expect(res.status).toBe(201);
    expect(res.body.id).not.toBe(first.body.id);
    expect(res.body.organisation_id).toBe(other.orgId);
  });

  it('upload through supabase-js functions.invoke, then read it back', async () => {
    const client = createClient(env('SUPABASE_URL'), env('SUPABASE_ANON_KEY'), {
      global: { headers: { Authorization: `Bearer ${user.jwt}` } },
      auth: { persistSession: false, autoRefreshToken: false },
      // Node 20 has no global WebSocket; realtime is not used here but the client builds it.
      realtime: { transport: WebSocket as never },
    });
    const { data, error } = await client.functions.invoke('receipts', {
      body: form(jpeg2, 'second.jpg'),
    });
    expect(error).toBeNull();
    expect(data).toMatchObject({ status: 'pending', sha256: sha256(jpeg2) });
    const read = await client.functions.invoke(`receipts/${data.id}`, { method: 'GET' });
    expect(read.error).toBeNull();
    expect(read.data).toMatchObject({ id: data.id, original_filename: 'second.jpg' });
  });
});

describe('receipts API - Idempotency-Key', () => {
  it('same key and file: 200 with the existing receipt; same key, other file: 422 and nothing stored', async () => {
    const user = await createUser('idem');
    const key = `key-${crypto.randomUUID()}`;
    const created = await upload(user, jpeg, { headers: { 'Idempotency-Key': key } });
    expect(created.status).toBe(201);
    const repeat = await upload(user, jpeg, { headers: { 'Idempotency-Key': key } });
    expect(repeat.status).toBe(200);
    expect(repeat.body.id).toBe(created.body.id);

    const before = await footprint(user);
    const misuse = await upload(user, jpeg2, { headers: { 'Idempotency-Key': key } });
    expect(misuse.status).toBe(422);
    expect(misuse.body).toEqual({
      error: 'idempotency_key_reused',
      message: 'Idempotency-Key was already used for a different file',
    });
    expect(await footprint(user)).toEqual(before);
    const [{ n }] = await sql`select count(*)::int as n from public.receipts
      where owner_id = ${user.id} and sha256 = ${sha256(jpeg2)}`;
    expect(n).toBe(0);
  });

  it('a malformed Idempotency-Key is a 400', async () => {
    const user = await createUser('idem-bad');
    const res = await upload(user, jpeg, { headers: { 'Idempotency-Key': 'x'.repeat(300) } });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_idempotency_key');
  });
});

describe('receipts API - read', () => {
  let owner: TestUser;
  let stranger: TestUser;
  let receiptId: string;

  beforeAll(async () => {
    owner = await createUser('reader');
    stranger = await createUser('stranger');
    receiptId = (await upload(owner, jpeg3)).body.id;
  });

  it('GET by id returns the receipt with status, fields and confidence', async () => {
    const res = await call('GET', `${RECEIPTS}/${receiptId}`, auth(owner));
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(receiptId);
    expect(res.body).toHaveProperty('status');
    expect(res.body).toHaveProperty('fields.total');
    expect(res.body).toHaveProperty('field_confidence');
    expect(res.body).toHaveProperty('ocr_confidence');
    expect(res.body.events).toBeUndefined();
  });

  it('GET by id with include=events lists the history, starting with uploaded', async () => {
    const res = await call('GET', `${RECEIPTS}/${receiptId}?include=events`, auth(owner));
    expect(res.status).toBe(200);
    expect(res.body.events[0]).toMatchObject({ event_type: 'uploaded', to_status: 'pending' });
  });

  it("another user's receipt id is a 404 that looks like an unknown id", async () => {
    const theirs = await call('GET', `${RECEIPTS}/${receiptId}`, auth(stranger));
    const unknown = await call('GET', `${RECEIPTS}/${crypto.randomUUID()}`, auth(stranger));
    expect(theirs.status).toBe(404);
    expect(theirs.body).toEqual({ error: 'receipt_not_found', message: 'Receipt not found' });
    expect(unknown.body).toEqual(theirs.body);
  });

  it('an id that is not a UUID is a 400', async () => {
    const res = await call('GET', `${RECEIPTS}/not-a-uuid`, auth(owner));
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_id');
  });

  it('unknown routes and methods answer 404 / 405 JSON', async () => {
    const deep = await call('GET', `${RECEIPTS}/${receiptId}/extra`, auth(owner));
    expect(deep.status).toBe(404);
    expect(deep.body.error).toBe('not_found');
    const del = await call('DELETE', `${RECEIPTS}/${receiptId}`, auth(owner));
    expect(del.status).toBe(405);
    expect(del.body.error).toBe('method_not_allowed');
    expect(del.headers.get('allow')).toBe('GET');
  });
});

describe('receipts API - list', () => {
  let user: TestUser;
  let ids: string[];

  beforeAll(async () => {
    user = await createUser('lister');
    ids = [];
    for (const bytes of [jpeg, jpeg2, jpeg3]) ids.push((await upload(user, bytes)).body.id);
    await upload(await createUser('noise'), jpeg); // someone else's receipt must not show up
  });

  it('pages newest first with a cursor until next_cursor is null', async () => {
    const page1 = await call('GET', `${RECEIPTS}?limit=2`, auth(user));
    expect(page1.status).toBe(200);
    expect(page1.body.data.map((r: Json) => r.id)).toEqual([ids[2], ids[1]]);
    expect(typeof page1.body.next_cursor).toBe('string');
    const page2 = await call(
      'GET',
      `${RECEIPTS}?limit=2&cursor=${encodeURIComponent(page1.body.next_cursor)}`,
      auth(user),
    );
    expect(page2.status).toBe(200);
    expect(page2.body.data.map((r: Json) => r.id)).toEqual([ids[0]]);
    expect(page2.body.next_cursor).toBeNull();
  });

  it('default page holds all three; status filters them', async () => {
    const all = await call('GET', RECEIPTS, auth(user));
    expect(all.body.data).toHaveLength(3);
    const statuses = all.body.data.map((r: Json) => r.status);
    const pending = await call('GET', `${RECEIPTS}?status=pending`, auth(user));
    expect(pending.body.data).toHaveLength(statuses.filter((s: string) => s === 'pending').length);
    const failed = await call('GET', `${RECEIPTS}?status=failed`, auth(user));
    expect(failed.body.data.every((r: Json) => r.status === 'failed')).toBe(true);
  });

  it('invalid status, limit and cursor are 400 JSON', async () => {
    for (const q of ['status=done', 'limit=0', 'limit=101', 'limit=abc', 'cursor=garbage']) {
      const res = await call('GET', `${RECEIPTS}?${q}`, auth(user));
      expect(res.status, q).toBe(400);
      expect(res.body.message, q).toEqual(expect.any(String));
      expect(['invalid_query', 'invalid_cursor'], q).toContain(res.body.error);
    }
  });
});

/** A raw HTTP upload, for Content-Length lies and bodies streamed past the limit. */
function rawPost(opts: {
  token: string;
  contentLength?: number;
  streamBytes: number;
}): Promise<{ status: number; body: Json; sent: number }> {
  const boundary = 'tallyqboundary';
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.jpg"\r\n` +
      `Content-Type: image/jpeg\r\n\r\n`,
  );
  const url = new URL(RECEIPTS);
  return new Promise((resolve, reject) => {
    let sent = 0;
    let done = false;
    const headers: Record<string, string | number> = {
      Authorization: `Bearer ${opts.token}`,
      'Content-Type': `multipart/form-data; boundary=${boundary}`,
    };
    if (opts.contentLength !== undefined) headers['Content-Length'] = opts.contentLength;
    const req = httpRequest(
      { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          done = true;
          resolve({
            status: res.statusCode ?? 0,
            body: JSON.parse(Buffer.concat(chunks).toString() || 'null'),
            sent,
          });
          req.destroy();
        });
      },
    );
    req.on('error', (err) => {
      if (!done) reject(err);
    });
    req.write(head);
    sent += head.length;
    const chunk = Buffer.alloc(1024 * 1024, 0xff);
    const pump = () => {
      while (!done && sent < opts.streamBytes) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      if (!done && opts.contentLength === undefined) req.end(`\r\n--${boundary}--\r\n`);
    };
    pump();
  });
}

describe('receipts API - bad input leaves nothing behind', () => {
  let user: TestUser;
  let before: Awaited<ReturnType<typeof footprint>>;

  beforeAll(async () => {
    user = await createUser('bad');
    before = await footprint(user);
  });

  it('a text file renamed .jpg (declared image/jpeg) is a 415', async () => {
    const res = await upload(user, TEXT, { name: 'receipt.jpg', type: 'image/jpeg' });
    expect(res.status).toBe(415);
    expect(res.body.error).toBe('unsupported_file_type');
  });

  it('an empty file is a 400', async () => {
    const res = await upload(user, new Uint8Array(), { name: 'empty.jpg' });
    expect(res).toMatchObject({ status: 400, body: { error: 'empty_file' } });
  });

  it('a form without the file field is a 400', async () => {
    const body = new FormData();
    body.set('note', 'no file here');
    const res = await fetch(RECEIPTS, { method: 'POST', headers: auth(user), body });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'missing_file', message: 'Missing "file" field' });
  });

  it('a JSON body instead of multipart is a 415', async () => {
    const res = await call('POST', RECEIPTS, auth(user), { file: 'abc' });
    expect(res.status).toBe(415);
  });

  it('oversized by Content-Length: 413 before the body is read', async () => {
    const res = await rawPost({
      token: user.jwt,
      contentLength: MAX_BYTES + 1024 * 1024,
      streamBytes: 64 * 1024,
    });
    expect(res.status).toBe(413);
    expect(res.body.error).toBe('payload_too_large');
    expect(res.sent).toBeLessThan(MAX_BYTES); // answered long before the declared body arrived
  });

  it('oversized while streaming (chunked, no Content-Length): 413 once past the limit', async () => {
    const res = await rawPost({ token: user.jwt, streamBytes: MAX_BYTES + 16 * 1024 * 1024 });
    expect(res.status).toBe(413);
    expect(res.body.error).toBe('payload_too_large');
  });

  it('no authorization: 401 JSON', async () => {
    const res = await fetch(RECEIPTS, { method: 'POST', body: form(jpeg) });
    expect(res.status).toBe(401);
    expect((await res.json()).error).toEqual(expect.any(String));
  });

  it('a token signed with another secret is a 401; the anon key is a 403 insufficient_scope', async () => {
    const forged = await new SignJWT({ sub: user.id, role: 'authenticated', aud: 'authenticated' })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('x'.repeat(64)));
    const res = await fetch(RECEIPTS, {
      method: 'POST',
      headers: { Authorization: `Bearer ${forged}` },
      body: form(jpeg),
    });
    expect(res.status).toBe(401);
    const anon = await fetch(RECEIPTS, {
      method: 'POST',
      headers: { Authorization: `Bearer ${env('SUPABASE_ANON_KEY')}` },
      body: form(jpeg),
    });
    expect(anon.status).toBe(403);
    expect((await anon.json()).error).toBe('insufficient_scope');
    expect(anon.headers.get('www-authenticate')).toMatch(/error="insufficient_scope"/);
  });

  it("uploading into someone else's organisation is a 404", async () => {
    const other = await createUser('other-org');
    const res = await upload(user, jpeg, { fields: { organisation_id: other.orgId } });
    expect(res.status).toBe(404);
    expect(res.body.error).toBe('organisation_not_found');
    const viaHeader = await upload(user, jpeg, { headers: { 'X-Organisation-Id': other.orgId } });
    expect(viaHeader.status).toBe(404);
  });

  it('after all of that: no row, no event, no blob, no queue message', async () => {
    expect(await footprint(user)).toEqual(before);
    expect(before.receipts).toBe(0);
    expect(before.files).toEqual([]);
  });
});

describe('receipts API - signed upload flow', () => {
  let user: TestUser;

  beforeAll(async () => {
    user = await createUser('signed');
  });

  async function issue(u: TestUser) {
    const res = await call('POST', `${RECEIPTS}/uploads`, auth(u), {});
    expect(res.status).toBe(201);
    return res.body;
  }

  // The signed URL is the only credential: no Authorization header (verify_jwt = false).
  async function put(url: string, bytes: Uint8Array) {
    const res = await fetch(url, {
      method: 'PUT',
      headers: { 'content-type': 'application/octet-stream' },
      body: bytes as Uint8Array<ArrayBuffer>,
    });
    return { status: res.status, body: await res.json() };
  }

  it('issue URL, PUT the bytes, register: 201 receipt hashed and typed server-side', async () => {
    const grant = await issue(user);
    expect(grant).toMatchObject({ method: 'PUT', max_bytes: MAX_BYTES });
    expect(grant.path).toMatch(new RegExp(`^${user.orgId}/${user.id}/uploads/[0-9a-f-]{36}$`));
    expect(Date.parse(grant.expires_at)).toBeGreaterThan(Date.now());

    const putRes = await put(grant.upload_url, jpeg2);
    expect(putRes).toEqual({
      status: 200,
      body: { path: grant.path, size_bytes: jpeg2.byteLength },
    });

    const reg = await call('POST', `${RECEIPTS}/register`, auth(user), {
      path: grant.path,
      original_filename: 'big scan.jpg',
    });
    expect(reg.status).toBe(201);
    expect(reg.body).toMatchObject({
      status: 'pending',
      sha256: sha256(jpeg2),
      content_type: 'image/jpeg',
      size_bytes: jpeg2.byteLength,
      original_filename: 'big scan.jpg',
    });
    expect(statSync(join(STORAGE, grant.path)).size).toBe(0); // staged bytes replaced by a tombstone
    expect(existsSync(join(STORAGE, reg.body.storage_path))).toBe(true);
    expect(await messagesFor(reg.body.id)).toBe(1);

    // the same file through a second signed upload: the existing receipt, 200
    const grant2 = await issue(user);
    await put(grant2.upload_url, jpeg2);
    const again = await call('POST', `${RECEIPTS}/register`, auth(user), { path: grant2.path });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(reg.body.id);
    expect(await messagesFor(reg.body.id)).toBe(1);
  });

  it('an upload URL writes once: a second PUT is 409 and the staged bytes stay', async () => {
    const grant = await issue(user);
    expect((await put(grant.upload_url, jpeg3)).status).toBe(200);
    const second = await put(grant.upload_url, jpeg);
    expect(second.status).toBe(409);
    expect(second.body.error).toBe('upload_url_used');
    expect(sha256(readFileSync(join(STORAGE, grant.path)))).toBe(sha256(jpeg3));
  });

  it('a tampered upload token is a 403 and writes nothing', async () => {
    const grant = await issue(user);
    // Flip a character well inside the token: the last base64url character of an HMAC carries
    // padding bits, so changing it can leave the decoded signature the same.
    const at = grant.upload_url.length - 10;
    const flipped = grant.upload_url[at] === 'A' ? 'B' : 'A';
    const tampered = grant.upload_url.slice(0, at) + flipped + grant.upload_url.slice(at + 1);
    const res = await put(tampered, jpeg);
    expect(res.status).toBe(403);
    expect(res.body.error).toBe('invalid_upload_token');
    expect(existsSync(join(STORAGE, grant.path))).toBe(false);
  });

  it("registering a path that was never uploaded, or someone else's, is a 404", async () => {
    const grant = await issue(user);
    const missing = await call('POST', `${RECEIPTS}/register`, auth(user), { path: grant.path });
    expect(missing.status).toBe(404);
    expect(missing.body.error).toBe('upload_not_found');

    await put(grant.upload_url, jpeg3);
    const thief = await createUser('thief');
    const stolen = await call('POST', `${RECEIPTS}/register`, auth(thief), { path: grant.path });
    expect(stolen.status).toBe(404);
    expect(stolen.body).toEqual(missing.body);
  });

  it('registering a non-image upload is a 415 and the staged bytes are dropped', async () => {
    const u = await createUser('signed-bad');
    const grant = await issue(u);
    await put(grant.upload_url, TEXT);
    expect(existsSync(join(STORAGE, grant.path))).toBe(true);
    const res = await call('POST', `${RECEIPTS}/register`, auth(u), { path: grant.path });
    expect(res.status).toBe(415);
    expect(statSync(join(STORAGE, grant.path)).size).toBe(0);
    const [{ n }] =
      await sql`select count(*)::int as n from public.receipts where owner_id = ${u.id}`;
    expect(n).toBe(0);
  });

  it('register with a malformed body is a 400', async () => {
    const res = await call('POST', `${RECEIPTS}/register`, auth(user), { nope: 1 });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_body');
  });
});
