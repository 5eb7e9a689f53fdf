// The web app's backend routes end to end over HTTP against the running stack (issue 11): a
// receipt's original file, a person's correction (stored, audited, in the vendor directory), and
// an organisation admin's operations view and dead-letter replay (a plain member refused). Each
// response is also checked against the OpenAPI document the ops function serves.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  clearFaults,
  createUser,
  env,
  readSample,
  setFaults,
  sha256,
  sql,
  storeReceipts,
  type TestUser,
  waitFor,
  waitSettled,
} from '../support/stack.ts';

const FUNCTIONS_URL = env('FUNCTIONS_URL');
const SERVICE = { Authorization: `Bearer ${env('SUPABASE_SERVICE_ROLE_KEY')}` };
const ORIGIN = 'http://app.tallyq.test:5173';

// deno-lint-ignore no-explicit-any
type Json = Record<string, any>;

async function call(
  path: string,
  user: { jwt: string } | Record<string, string> | null,
  init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
) {
  const auth = user === null ? {} : 'jwt' in user ? { Authorization: `Bearer ${user.jwt}` } : user;
  const res = await fetch(`${FUNCTIONS_URL}${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: { Origin: ORIGIN, 'content-type': 'application/json', ...auth, ...init.headers },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const type = res.headers.get('content-type') ?? '';
  const bytes = new Uint8Array(await res.arrayBuffer());
  const body = type.includes('json') ? JSON.parse(new TextDecoder().decode(bytes)) as Json : null;
  return { status: res.status, headers: res.headers, bytes, body };
}

async function upload(user: TestUser, bytes: Uint8Array, name: string): Promise<Json> {
  const form = new FormData();
  form.set('file', new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'image/jpeg' }), name);
  const res = await fetch(`${FUNCTIONS_URL}/receipts`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${user.jwt}` },
    body: form,
  });
  const json = await res.json();
  expect(res.status, JSON.stringify(json)).toBe(201);
  return json;
}

/** Validates bodies against the schema the served OpenAPI document names for a response. */
let conforms: (path: string, method: string, status: number, body: unknown) => void;

beforeAll(async () => {
  const { default: Ajv2019 } = await import('ajv/dist/2019.js');
  const { default: addFormats } = await import('ajv-formats');
  const doc = (await call('/ops/openapi.json', null)).body!;
  // deno-lint-ignore no-explicit-any
  const ajv = new (Ajv2019 as any)({ strict: false, allErrors: true });
  // deno-lint-ignore no-explicit-any
  (addFormats as any)(ajv);
  conforms = (path, method, status, body) => {
    const ref = doc.paths[path][method].responses[status].content['application/json'].schema.$ref;
    const validate = ajv.compile(doc.components.schemas[String(ref).split('/').pop()!]);
    expect(validate(body), `${method} ${path} ${status}: ${JSON.stringify(validate.errors)}`)
      .toBe(true);
  };
});

afterAll(async () => {
  await clearFaults();
  await sql.end();
});

describe('receipt file', () => {
  it('receipt file - the uploader gets the original bytes with their type; anyone else 404', async () => {
    const owner = await createUser('file-owner');
    const stranger = await createUser('file-stranger');
    const bytes = await readSample('X51005365179');
    const receipt = await upload(owner, bytes, 'lunch.jpg');

    const file = await call(`/receipts/${receipt.id}/file`, owner);
    expect(file.status).toBe(200);
    expect(Buffer.from(file.bytes).equals(Buffer.from(bytes))).toBe(true);
    expect(file.headers.get('content-type')).toBe('image/jpeg');
    expect(file.headers.get('etag')).toBe(`"${receipt.sha256}"`);
    expect(file.headers.get('access-control-allow-origin')).toBe('*');
    expect(file.headers.get('access-control-expose-headers')).toMatch(/etag/);

    const again = await call(`/receipts/${receipt.id}/file`, owner, {
      headers: { 'If-None-Match': file.headers.get('etag')! },
    });
    expect(again.status).toBe(304);

    const other = await call(`/receipts/${receipt.id}/file`, stranger);
    expect(other.status).toBe(404);
    expect(other.body).toEqual({ error: 'receipt_not_found', message: 'Receipt not found' });
    conforms('/receipts/{id}/file', 'get', 404, other.body);
    expect((await call(`/receipts/${receipt.id}/file`, null)).status).toBe(401);
  });

  it('receipt file - a browser preflight from the app origin is allowed', async () => {
    const res = await fetch(`${FUNCTIONS_URL}/receipts/${crypto.randomUUID()}/file`, {
      method: 'OPTIONS',
      headers: {
        Origin: ORIGIN,
        'Access-Control-Request-Method': 'GET',
        'Access-Control-Request-Headers': 'authorization, if-none-match',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-headers')).toMatch(/if-none-match/);
  });
});

describe('corrections', () => {
  it('corrections - a real correction is stored with who, audited, and enters the vendor directory', async () => {
    const user = await createUser('corrector');
    const other = await createUser('corrector-other');
    const created = await upload(user, await readSample('X51005268400'), 'dinner.jpg');
    const [settled] = await waitSettled([created.id], 120_000);
    expect(['ocr_done', 'needs_review']).toContain(settled.status);
    const before = (await call(`/receipts/${created.id}`, user)).body!;

    const body = {
      fields: { vendor: 'Restoran Test Bistro', vendor_tax_id: 'TQ-000123-X', total: 1234 },
    };
    expect((await call(`/receipts/${created.id}/corrections`, other, { body })).status).toBe(404);

    const res = await call(`/receipts/${created.id}/corrections`, user, { body });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    conforms('/receipts/{id}/corrections', 'post', 200, res.body);
    expect(res.body!.status).toBe('ocr_done');
    expect(res.body!.fields).toMatchObject({
      vendor: 'Restoran Test Bistro',
      vendor_tax_id: 'TQ000123X',
      total: 1234,
    });
    expect(res.body!.field_confidence).toMatchObject({ vendor: 1, tax_id: 1, total: 1 });
    expect(res.headers.get('access-control-allow-origin')).toBe('*');

    const rows = await sql`select field, old_value, new_value, corrected_by
      from public.receipt_corrections where receipt_id = ${created.id} order by field`;
    expect(rows.map((r) => r.field)).toEqual(['total', 'vendor', 'vendor_tax_id']);
    expect(rows.every((r) => r.corrected_by === user.id)).toBe(true);
    expect(rows.find((r) => r.field === 'vendor')).toMatchObject({
      old_value: before.fields.vendor,
      new_value: 'Restoran Test Bistro',
    });
    expect(rows.find((r) => r.field === 'total')!.new_value).toBe('12.3400');

    // the generic audit trigger recorded each correction with the acting person
    const audit = await sql`select l.op, l.actor_id, l.actor_role, l.new_record ->> 'field' as field
      from private.audit_log as l
      where l.table_name = 'receipt_corrections' and l.new_record ->> 'receipt_id' = ${created.id}
      order by l.id`;
    expect(audit.map((a) => a.field).sort()).toEqual(['total', 'vendor', 'vendor_tax_id']);
    expect(audit.every((a) => a.op === 'INSERT' && a.actor_id === user.id)).toBe(true);
    expect(audit[0].actor_role).toBe('authenticated');

    const [entry] = await sql`select vendor, confidence::text, source_receipt_id
      from public.vendor_directory where organisation_id = ${user.orgId} and tax_id = 'TQ000123X'`;
    expect(entry).toEqual({
      vendor: 'Restoran Test Bistro',
      confidence: '1.000',
      source_receipt_id: created.id,
    });
    const directoryAudit = await sql`select count(*)::int as n from private.audit_log
      where table_name = 'vendor_directory' and actor_id = ${user.id}
        and new_record ->> 'tax_id' = 'TQ000123X'`;
    expect(directoryAudit[0].n).toBe(1);

    const read = await call(`/receipts/${created.id}?include=events,corrections`, user);
    conforms('/receipts/{id}', 'get', 200, read.body);
    expect(read.body!.corrections.map((c: Json) => [c.field, c.corrected_by])).toEqual([
      ['total', user.id],
      ['vendor', user.id],
      ['vendor_tax_id', user.id],
    ]);
    const events = read.body!.events;
    expect(events.at(-1)).toMatchObject({
      event_type: 'corrected',
      from_status: settled.status,
      to_status: 'ocr_done',
      metadata: { fields: ['total', 'vendor', 'vendor_tax_id'], corrected_by: user.id },
    });
  });

  it('corrections - refused in words: not read yet (409), a bad field (422), nothing stored', async () => {
    const user = await createUser('corrector-refused');
    // a receipt that stays pending: its queue message is taken away in the inserting transaction,
    // so no worker can pick it up in between
    const sha = sha256(crypto.getRandomValues(new Uint8Array(32)));
    const pending = await sql.begin(async (tx) => {
      const [row] = await tx`insert into public.receipts
          (organisation_id, owner_id, storage_path, sha256, content_type, size_bytes)
        values (${user.orgId}, ${user.id}, ${`${user.orgId}/${user.id}/${sha}.jpg`}, ${sha},
                'image/jpeg', 10)
        returning id`;
      await tx`delete from pgmq.q_receipt_ocr where message ->> 'receipt_id' = ${row.id}`;
      return row.id as string;
    });

    const early = await call(`/receipts/${pending}/corrections`, user, {
      body: { fields: { vendor: 'X' } },
    });
    expect(early.status).toBe(409);
    expect(early.body!.error).toBe('receipt_not_reviewable');
    expect(early.body!.message).toMatch(/still being read/);
    conforms('/receipts/{id}/corrections', 'post', 409, early.body);

    const bad = await call(`/receipts/${pending}/corrections`, user, {
      body: { fields: { receipt_date: '31/12/2026' } },
    });
    expect(bad.status).toBe(422);
    expect(bad.body).toEqual({
      error: 'invalid_field',
      message: 'receipt_date: must be a date as YYYY-MM-DD',
    });
    conforms('/receipts/{id}/corrections', 'post', 422, bad.body);
    const stored = await sql`select count(*)::int as n from public.receipt_corrections
      where receipt_id = ${pending}`;
    expect(stored[0].n).toBe(0);
  });
});

describe('organisation operations', () => {
  it('operations - an org admin sees a real dead letter and replays it; a plain member is refused', async () => {
    const [owner, admin, member, stranger] = await Promise.all(
      ['ops-owner', 'ops-admin', 'ops-member', 'ops-stranger'].map((l) => createUser(l)),
    );
    const [{ id: orgId }] = await sql`insert into public.organisations (name, created_by)
      values ('Ops Test Shop', ${owner.id}) returning id`;
    await sql`insert into public.memberships (organisation_id, user_id, role) values
      (${orgId}, ${owner.id}, 'owner'), (${orgId}, ${admin.id}, 'admin'),
      (${orgId}, ${member.id}, 'member')`;

    // Textract refuses the document once: a permanent error, so a real dead letter
    await setFaults([{
      fault: 'error',
      type: 'UnsupportedDocumentException',
      status: 400,
      times: 1,
      operation: 'AnalyzeExpense',
    }]);
    const [id] = await storeReceipts([
      { owner: { id: member.id, orgId }, bytes: await readSample('X51005433533') },
    ]);
    const [failed] = await waitSettled([id], 120_000);
    await clearFaults();
    expect(failed.status).toBe('failed');

    const path = `/ops/organisations/${orgId}`;
    const refused = await call(`${path}/overview`, member);
    expect(refused.status).toBe(403);
    expect(refused.body!.error).toBe('forbidden');
    expect(refused.body!.message).toMatch(/owners and admins/);
    conforms('/ops/organisations/{organisation_id}/overview', 'get', 403, refused.body);
    const memberReplay = await call(`${path}/dead-letters/replay`, member, {
      body: { receipt_ids: [id] },
    });
    expect(memberReplay.status).toBe(403);
    expect((await call(`${path}/overview`, stranger)).status).toBe(404);
    expect((await sql`select status from public.receipts where id = ${id}`)[0].status)
      .toBe('failed');

    // the app finds whose operations it may show
    const mine = await call('/ops/organisations', admin);
    expect(mine.status).toBe(200);
    conforms('/ops/organisations', 'get', 200, mine.body);
    expect(mine.body!.data.map((o: Json) => [o.id, o.role, o.can_operate])).toEqual([
      [admin.orgId, 'owner', true],
      [orgId, 'admin', true],
    ]);
    expect((await call('/ops/organisations', member)).body!.data.find((o: Json) => o.id === orgId))
      .toMatchObject({ role: 'member', can_operate: false });

    const overview = await call(`${path}/overview`, admin);
    expect(overview.status, JSON.stringify(overview.body)).toBe(200);
    conforms('/ops/organisations/{organisation_id}/overview', 'get', 200, overview.body);
    expect(overview.headers.get('access-control-allow-origin')).toBe('*');
    expect(overview.body!.dead_letters).toEqual([expect.objectContaining({
      receipt_id: id,
      status: 'failed',
      attempts: 1,
      reason: expect.stringMatching(/UnsupportedDocumentException/),
    })]);
    expect(overview.body!.dead_letters_total).toBe(1);
    expect(['healthy', 'degraded', 'unhealthy']).toContain(overview.body!.health.status);
    expect((await call(`${path}/overview`, SERVICE)).status).toBe(200);

    const replay = await call(`${path}/dead-letters/replay`, admin, {
      body: { receipt_ids: [id, crypto.randomUUID()] },
    });
    expect(replay.status, JSON.stringify(replay.body)).toBe(200);
    conforms('/ops/organisations/{organisation_id}/dead-letters/replay', 'post', 200, replay.body);
    expect(replay.body!.replayed).toEqual([id]);
    expect(replay.body!.skipped).toHaveLength(1);

    const [done] = await waitSettled([id], 120_000);
    expect(['ocr_done', 'needs_review']).toContain(done.status);
    const [event] = await sql`select metadata from public.receipt_events
      where receipt_id = ${id} and event_type = 'replayed'`;
    expect(event.metadata.replayed_by).toBe(admin.id);
    const after = await waitFor('the overview without the dead letter', async () => {
      const o = await call(`${path}/overview`, owner);
      return o.status === 200 && o.body!.dead_letters_total === 0 ? o : null;
    });
    expect(after.body!.dead_letters).toEqual([]);
  });
});
