// Operations end to end over HTTP against the running stack: health (public and operator views,
// liveness, readiness), metrics (JSON and Prometheus, service role only) and GDPR erasure (every
// table and the store searched afterwards; the other person's data and shared artifacts intact).
import { createHmac } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createUser, env, readSample, sql, type TestUser, waitSettled } from '../support/stack.ts';

const FUNCTIONS_URL = env('FUNCTIONS_URL');
const SERVICE = { Authorization: `Bearer ${env('SUPABASE_SERVICE_ROLE_KEY')}` };
const ANON = { Authorization: `Bearer ${env('SUPABASE_ANON_KEY')}` };
const STORAGE = env('LOCAL_STORAGE_DIR');

// deno-lint-ignore no-explicit-any
type Json = Record<string, any>;

async function get(path: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${FUNCTIONS_URL}${path}`, { headers });
  const text = await res.text();
  const type = res.headers.get('content-type') ?? '';
  return {
    status: res.status,
    type,
    text,
    body: type.includes('json') ? JSON.parse(text) as Json : null,
  };
}

async function upload(user: TestUser, bytes: Uint8Array): Promise<string> {
  const body = new FormData();
  body.set('file', new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'image/jpeg' }), 'r.jpg');
  const res = await fetch(`${FUNCTIONS_URL}/receipts`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${user.jwt}` },
    body,
  });
  const json = await res.json();
  expect(res.status, JSON.stringify(json)).toBeLessThan(300);
  return json.id as string;
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

/** Every table (in every schema but the catalogs) whose rows, as text, contain `needle`. */
async function tablesContaining(needle: string, skip: string[] = []): Promise<string[]> {
  const tables = await sql<{ name: string }[]>`
    select format('%I.%I', n.nspname, c.relname) as name
    from pg_class as c join pg_namespace as n on n.oid = c.relnamespace
    where c.relkind in ('r', 'p') and n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')
      and n.nspname not like 'pg_temp%'`;
  const found: string[] = [];
  for (const { name } of tables) {
    if (skip.includes(name)) continue;
    const [row] = await sql.unsafe(
      `select exists (select 1 from ${name} as t where t::text like '%' || $1 || '%') as hit`,
      [needle],
    );
    if (row.hit) found.push(name);
  }
  return found;
}

afterAll(async () => {
  await sql.end();
});

describe('health', () => {
  it('health - anyone sees status per dependency; the service role also sees latency', async () => {
    const anon = await get('/health');
    expect(anon.status).toBe(200);
    expect(anon.body!.status).toBe('healthy');
    expect(anon.body!.checks).toEqual({
      database: { status: 'up' },
      redis: { status: 'up' },
      storage: { status: 'up' },
      textract: { status: 'up' },
    });
    const operator = await get('/health', SERVICE);
    expect(operator.body!.checks.database).toMatchObject({
      status: 'up',
      critical: true,
      timeout_ms: 5000,
    });
    expect(operator.body!.checks.redis.timeout_ms).toBe(3000);
    expect(typeof operator.body!.checks.textract.latency_ms).toBe('number');
  });

  it('health - liveness and readiness answer probes without a token', async () => {
    expect((await get('/health/live')).status).toBe(200);
    const ready = await get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body!.ready).toBe(true);
  });
});

describe('metrics', () => {
  it('metrics - service role only: 401 without a token, 403 with the anon key', async () => {
    const none = await get('/ops/metrics');
    expect(none.status).toBe(401);
    expect(Object.keys(none.body!).sort()).toEqual(['error', 'message']);
    expect((await get('/ops/metrics', ANON)).status).toBe(403);
  });

  it('metrics - a processed receipt shows in throughput, settle time and Textract latency', async () => {
    const user = await createUser('metrics');
    const id = await upload(user, await readSample('X51005442397'));
    await waitSettled([id]);
    const m = await get('/ops/metrics', SERVICE);
    expect(m.status).toBe(200);
    expect(m.body!.receipts.processed_per_minute).toBeGreaterThanOrEqual(1);
    expect(m.body!.receipts.settle_seconds.count).toBeGreaterThanOrEqual(1);
    expect(m.body!.textract.latency_ms.count).toBeGreaterThanOrEqual(1);
    expect(m.body!.textract.latency_ms.p95).toBeGreaterThan(0);
    expect(Object.keys(m.body!.queues)).toEqual(['receipt_ocr', 'webhook_events']);
    expect(m.body!.rate_limit.rejections_per_minute).toHaveProperty('upload');

    const prom = await get('/ops/metrics?format=prometheus', SERVICE);
    expect(prom.type).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(prom.text).toMatch(/^tallyq_queue_depth\{queue="receipt_ocr"\} \d+$/m);
    expect(prom.text).toMatch(/^tallyq_textract_latency_ms\{quantile="0\.95"\} [0-9.]+$/m);
    const viaAccept = await get('/ops/metrics', { ...SERVICE, Accept: 'text/plain' });
    expect(viaAccept.text).toContain('# TYPE tallyq_receipts_processed_per_minute gauge');
  });
});

describe('erasure', () => {
  it('erasure - rejects bad input with 400 and erases nothing', async () => {
    const res = await fetch(`${FUNCTIONS_URL}/ops/erasure`, {
      method: 'POST',
      headers: { ...SERVICE, 'content-type': 'application/json' },
      body: JSON.stringify({ user_id: 'not-a-uuid' }),
    });
    expect(res.status).toBe(400);
    expect((await res.json()).error).toBe('invalid_request');
  });

  it('erasure - nothing of the person remains in any table or the store; the other person and shared artifacts are intact', async () => {
    const fullName = `Erasable Person ${crypto.randomUUID().slice(0, 8)}`;
    const phone = `+1555${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
    const alice = await createUser('erase-me', { full_name: fullName, phone });
    const bob = await createUser('keep-me');
    const shared = await readSample('X51005268400');
    const [aliceShared, aliceOwn, bobShared] = [
      await upload(alice, shared),
      await upload(alice, await readSample('X51005361950')),
      await upload(bob, shared),
    ];
    await waitSettled([aliceShared, aliceOwn, bobShared]);
    // Artifacts are content-addressed (artifacts/<sha256 of the JSON>): identical Textract output
    // for two receipts is one object. Make Bob's reading that case: his row names Alice's object.
    await sql`delete from public.receipt_artifacts where receipt_id = ${bobShared}`;
    await sql`insert into public.receipt_artifacts (receipt_id, kind, organisation_id, storage_path, sha256, size_bytes)
      select ${bobShared}, a.kind, ${bob.orgId}, a.storage_path, a.sha256, a.size_bytes
      from public.receipt_artifacts as a where a.receipt_id = ${aliceShared}`;
    const artifacts = await sql<{ receipt_id: string; storage_path: string }[]>`
      select receipt_id, storage_path from public.receipt_artifacts
      where receipt_id = any(${[aliceShared, aliceOwn, bobShared]}::uuid[])`;
    const artifactOf = (id: string) => artifacts.find((a) => a.receipt_id === id)!.storage_path;
    expect(artifactOf(aliceShared)).toBe(artifactOf(bobShared));
    expect(existsSync(join(STORAGE, artifactOf(aliceOwn)))).toBe(true);

    const res = await fetch(`${FUNCTIONS_URL}/ops/erasure`, {
      method: 'POST',
      headers: { ...SERVICE, 'content-type': 'application/json' },
      body: JSON.stringify({ user_id: alice.id }),
    });
    const result = await res.json();
    expect(res.status, JSON.stringify(result)).toBe(200);
    expect(result.counts).toMatchObject({ receipts: 2, users: 1, personal_organisations: 1 });

    // No row anywhere carries their email, name or phone. Ids (theirs, their organisation's and
    // receipts') are opaque keys the append-only audit tables keep: its hash chain covers them.
    const auditTables = (await sql<{ name: string }[]>`
      select format('%I.%I', n.nspname, c.relname) as name from pg_class as c
      join pg_namespace as n on n.oid = c.relnamespace
      where n.nspname = 'private' and c.relname like 'audit%' and c.relkind = 'r'`).map((t) =>
      t.name
    );
    // The audit log included: personal fields (the organisation's name among them) sit in its
    // erasable part, which erasure deleted.
    for (const needle of [alice.email, phone, fullName]) {
      expect(await tablesContaining(needle), needle).toEqual([]);
    }
    for (const id of [alice.id, alice.orgId, aliceShared, aliceOwn]) {
      expect(await tablesContaining(id, auditTables), id).toEqual([]);
    }

    // the store: nothing under their folder, their own artifact gone, the shared one kept
    expect(filesUnder(join(STORAGE, alice.orgId))).toEqual([]);
    expect(existsSync(join(STORAGE, artifactOf(aliceOwn)))).toBe(false);
    expect(existsSync(join(STORAGE, artifactOf(bobShared)))).toBe(true);

    // the other person: receipt, fields and image as before
    const bobView = await fetch(`${FUNCTIONS_URL}/receipts/${bobShared}`, {
      headers: { Authorization: `Bearer ${bob.jwt}` },
    });
    expect(bobView.status).toBe(200);
    expect((await bobView.json()).status).toMatch(/ocr_done|needs_review/);
    const [bobRow] = await sql`select storage_path from public.receipts where id = ${bobShared}`;
    expect(existsSync(join(STORAGE, bobRow.storage_path))).toBe(true);

    // the erasure is recorded, by digest only
    const [record] = await sql`select subject_digest, counts from private.erasures
      where subject_digest = encode(sha256(convert_to(${alice.id}::text, 'UTF8')), 'hex')`;
    expect(record.counts.receipts).toBe(2);

    // the audit chain still verifies
    await sql`select private.seal_audit_log()`;
    expect(await sql`select * from private.verify_audit_log()`).toEqual([]);

    // erasing again: nothing left to erase
    const again = await fetch(`${FUNCTIONS_URL}/ops/erasure`, {
      method: 'POST',
      headers: { ...SERVICE, 'content-type': 'application/json' },
      body: JSON.stringify({ user_id: alice.id }),
    });
    expect(again.status).toBe(404);
    expect((await again.json()).error).toBe('user_not_found');
  });
  it('erasure - a person who holds a wallet keeps only an anonymous key: no name, email, phone or user agent of theirs is readable anywhere, and the chain verifies', async () => {
    const fullName = `Wallet Person ${crypto.randomUUID().slice(0, 8)}`;
    const phone = `+1555${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
    const agent = `ErasableAgent/${crypto.randomUUID()}`;
    const carol = await createUser('erase-wallet', { full_name: fullName, phone });
    const opened = await fetch(`${FUNCTIONS_URL}/wallet/accounts`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${carol.jwt}`,
        'content-type': 'application/json',
        'User-Agent': agent,
      },
      body: JSON.stringify({ currency: 'EUR' }),
    });
    expect(opened.status).toBe(201);
    const account = await opened.json();
    // before: the audit holds her user agent and her organisation's name, in its erasable part
    expect(await tablesContaining(agent)).toEqual(['private.audit_contexts']);
    expect(await tablesContaining(fullName)).toEqual(
      expect.arrayContaining(['private.audit_personal_data', 'public.organisations']),
    );

    const res = await fetch(`${FUNCTIONS_URL}/ops/erasure`, {
      method: 'POST',
      headers: { ...SERVICE, 'content-type': 'application/json' },
      body: JSON.stringify({ user_id: carol.id }),
    });
    const result = await res.json();
    expect(res.status, JSON.stringify(result)).toBe(200);
    expect(result.counts).toMatchObject({ users: 1, kept_for_ledger: true });
    expect(result.counts.audit_personal_rows).toBeGreaterThanOrEqual(3);

    for (const needle of [carol.email, phone, fullName, agent]) {
      expect(await tablesContaining(needle), needle).toEqual([]);
    }
    // the ledger keeps her account, named by an opaque key only
    const [kept] = await sql`select a.user_id, o.name from public.wallet_accounts as a
      join public.organisations as o on o.id = a.organisation_id where a.id = ${account.id}`;
    expect(kept).toEqual({ user_id: carol.id, name: 'Erased person' });
    await sql`select private.seal_audit_log()`;
    expect(await sql`select * from private.verify_audit_log()`).toEqual([]);
  });
});

describe('openapi', () => {
  it('openapi - the served document is 3.1 and real responses validate against it', async () => {
    const { default: Ajv2019 } = await import('ajv/dist/2019.js');
    const { default: addFormats } = await import('ajv-formats');
    const served = await get('/ops/openapi.json');
    expect(served.status).toBe(200);
    const doc = served.body!;
    expect(doc.openapi).toBe('3.1.0');
    // deno-lint-ignore no-explicit-any
    const ajv = new (Ajv2019 as any)({ strict: false, allErrors: true });
    // deno-lint-ignore no-explicit-any
    (addFormats as any)(ajv);
    const check = (schemaName: string, body: unknown) => {
      const validate = ajv.compile(doc.components.schemas[schemaName]);
      expect(validate(body), `${schemaName}: ${JSON.stringify(validate.errors)}`).toBe(true);
    };
    // the document names the schema of each response we check
    const responseRef = (path: string, method: string, status: number) =>
      String(doc.paths[path][method].responses[status].content['application/json'].schema.$ref)
        .split('/').pop()!;

    const user = await createUser('openapi');
    const form = new FormData();
    form.set(
      'file',
      new Blob([await readSample('X51005365179') as Uint8Array<ArrayBuffer>], {
        type: 'image/jpeg',
      }),
      'r.jpg',
    );
    const created = await fetch(`${FUNCTIONS_URL}/receipts`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${user.jwt}` },
      body: form,
    });
    expect(created.status).toBe(201);
    const receipt = await created.json();
    check(responseRef('/receipts', 'post', 201), receipt);
    await waitSettled([receipt.id]);
    const auth = { Authorization: `Bearer ${user.jwt}` };
    check(
      responseRef('/receipts/{id}', 'get', 200),
      (await get(`/receipts/${receipt.id}?include=events`, auth)).body,
    );
    check(responseRef('/receipts', 'get', 200), (await get('/receipts?limit=5', auth)).body);
    const missing = await get(`/receipts/${crypto.randomUUID()}`, auth);
    expect(missing.status).toBe(404);
    check(responseRef('/receipts/{id}', 'get', 404), missing.body);
    check(responseRef('/receipts', 'get', 400), (await get('/receipts?limit=0', auth)).body);
    check(responseRef('/health', 'get', 200), (await get('/health', SERVICE)).body);
    check(responseRef('/health', 'get', 200), (await get('/health')).body);
    check(responseRef('/health/live', 'get', 200), (await get('/health/live')).body);
    check(responseRef('/health/ready', 'get', 200), (await get('/health/ready')).body);
    check(responseRef('/ops/metrics', 'get', 200), (await get('/ops/metrics', SERVICE)).body);
    check(responseRef('/ops/metrics', 'get', 403), (await get('/ops/metrics', ANON)).body);
  });

  it('openapi - wallet responses, their error bodies and the provider webhooks validate against the document', async () => {
    const { default: Ajv2019 } = await import('ajv/dist/2019.js');
    const { default: addFormats } = await import('ajv-formats');
    const doc = (await get('/ops/openapi.json')).body!;
    // deno-lint-ignore no-explicit-any
    const ajv = new (Ajv2019 as any)({ strict: false, allErrors: true });
    // deno-lint-ignore no-explicit-any
    (addFormats as any)(ajv);
    const validators = new Map<string, (b: unknown) => boolean>();
    const validate = (name: string, value: unknown) => {
      if (!validators.has(name)) validators.set(name, ajv.compile(doc.components.schemas[name]));
      const v = validators.get(name)! as ((b: unknown) => boolean) & { errors?: unknown };
      expect(v(value), `${name}: ${JSON.stringify(v.errors)} in ${JSON.stringify(value)}`)
        .toBe(true);
    };
    /** Calls the API and validates the answer with the schema the document names for it. */
    const checked = async (
      method: string,
      path: string,
      docPath: string,
      init: { headers?: Record<string, string>; body?: unknown } = {},
    ) => {
      const res = await fetch(`${FUNCTIONS_URL}${path}`, {
        method,
        headers: { 'content-type': 'application/json', ...init.headers },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
      });
      const body = await res.json();
      const response = doc.paths[docPath]?.[method.toLowerCase()]?.responses[res.status];
      expect(response, `${method} ${docPath} documents no ${res.status}`).toBeTruthy();
      const ref = String(response.content['application/json'].schema.$ref).split('/').pop()!;
      validate(ref, body);
      return { status: res.status, headers: res.headers, body };
    };
    const hmac = (secret: string, data: string) =>
      createHmac('sha256', secret).update(data).digest('hex');
    const ip = () => `2001:db8::${Math.floor(Math.random() * 0xffff).toString(16)}:1`;

    const [payer, payee] = [await createUser('openapi-payer'), await createUser('openapi-payee')];
    const as = (u: TestUser) => ({ Authorization: `Bearer ${u.jwt}` });
    const opened = await checked('POST', '/wallet/accounts', '/wallet/accounts', {
      headers: as(payer),
      body: { currency: 'EUR' },
    });
    expect(opened.status).toBe(201);
    expect(
      (await checked('POST', '/wallet/accounts', '/wallet/accounts', {
        headers: as(payer),
        body: { currency: 'EUR' },
      })).status,
    ).toBe(200);
    const to = (await checked('POST', '/wallet/accounts', '/wallet/accounts', {
      headers: as(payee),
      body: { currency: 'EUR' },
    })).body;

    // fund the payer through a MoMo callback: its payload is the documented MomoCallback
    const ref = crypto.randomUUID();
    const momoBody = {
      amount: '12.5',
      currency: 'EUR',
      externalId: payer.id,
      status: 'SUCCESSFUL',
    };
    validate('MomoCallback', momoBody);
    const sig = hmac(
      env('MOMO_CALLBACK_SECRETS').split(',')[0],
      `momo-callback:v1:collection:${ref}`,
    );
    const momo = await checked(
      'PUT',
      `/payments-webhook/momo?product=collection&ref=${ref}&sig=${sig}`,
      '/payments-webhook/momo',
      { headers: { 'cf-connecting-ip': ip() }, body: momoBody },
    );
    expect(momo.status).toBe(200);
    const forged = await checked(
      'POST',
      `/payments-webhook/momo?product=collection&ref=${crypto.randomUUID()}&sig=${sig}`,
      '/payments-webhook/momo',
      { headers: { 'cf-connecting-ip': ip() }, body: momoBody },
    );
    expect(forged.status).toBe(401);
    const revolutBody = {
      event: 'TransactionCreated',
      timestamp: new Date().toISOString(),
      data: { id: crypto.randomUUID(), state: 'pending', reference: 'not a top-up' },
    };
    validate('RevolutEvent', revolutBody);
    const ts = Date.now();
    const revolut = await checked(
      'POST',
      '/payments-webhook/revolut',
      '/payments-webhook/revolut',
      {
        headers: {
          'cf-connecting-ip': ip(),
          'revolut-request-timestamp': String(ts),
          'revolut-signature': `v1=${
            hmac(
              env('REVOLUT_WEBHOOK_SECRETS').split(',')[0],
              `v1.${ts}.${JSON.stringify(revolutBody)}`,
            )
          }`,
        },
        body: revolutBody,
      },
    );
    expect(revolut.status).toBe(200);
    const deadline = Date.now() + 30_000;
    while (
      (await get(`/wallet/accounts/${opened.body.id}`, as(payer))).body!.posted_balance_minor !==
        1250
    ) {
      if (Date.now() > deadline) throw new Error('the MoMo credit did not arrive');
      await new Promise((r) => setTimeout(r, 250));
    }

    const transfer = (amount: number, key: string | null, extra: Json = {}) =>
      checked('POST', '/wallet/transfers', '/wallet/transfers', {
        headers: { ...as(payer), ...(key ? { 'Idempotency-Key': key } : {}) },
        body: {
          from_account_id: opened.body.id,
          to_account_id: to.id,
          amount_minor: amount,
          currency: 'EUR',
          ...extra,
        },
      });
    const key = crypto.randomUUID();
    const moved = await transfer(300, key);
    expect(moved.status).toBe(201);
    expect((await transfer(300, key)).headers.get('idempotency-replayed')).toBe('true');
    expect((await transfer(100_000, crypto.randomUUID())).body.error).toBe('insufficient_funds');
    expect((await transfer(300, null)).body.error).toBe('idempotency_key_required');
    expect((await transfer(-5, crypto.randomUUID())).status).toBe(400);
    const pending = await transfer(200, crypto.randomUUID(), { pending: { timeout_seconds: 600 } });
    expect(pending.body.status).toBe('pending');
    const tid = '/wallet/transfers/{id}';
    expect(
      (await checked('POST', `/wallet/transfers/${pending.body.id}/post`, `${tid}/post`, {
        headers: as(payer),
        body: { amount_minor: 150 },
      })).status,
    ).toBe(201);
    expect(
      (await checked('POST', `/wallet/transfers/${pending.body.id}/void`, `${tid}/void`, {
        headers: as(payer),
        body: {},
      })).body.error,
    ).toBe('transfer_not_pending');
    // only the side that received the money may send it back: the payee reverses
    expect(
      (await checked('POST', `/wallet/transfers/${moved.body.id}/reverse`, `${tid}/reverse`, {
        headers: { ...as(payee), 'Idempotency-Key': crypto.randomUUID() },
        body: { description: 'refund' },
      })).status,
    ).toBe(201);

    const at = encodeURIComponent(new Date().toISOString());
    await checked('GET', '/wallet/accounts', '/wallet/accounts', { headers: as(payer) });
    const one = await checked(
      'GET',
      `/wallet/accounts/${opened.body.id}?at=${at}`,
      '/wallet/accounts/{id}',
      {
        headers: as(payer),
      },
    );
    expect(typeof one.body.balance_at_minor).toBe('number');
    const page = await checked(
      'GET',
      `/wallet/accounts/${opened.body.id}/entries?limit=2`,
      '/wallet/accounts/{id}/entries',
      { headers: as(payer) },
    );
    expect(page.body.data).toHaveLength(2);
    expect(
      (await checked('GET', `/wallet/accounts/${opened.body.id}`, '/wallet/accounts/{id}', {
        headers: as(payee),
      })).status,
    ).toBe(404);
    expect(
      (await checked(
        'GET',
        `/wallet/accounts/${to.id}/entries?limit=0`,
        '/wallet/accounts/{id}/entries',
        {
          headers: as(payee),
        },
      )).status,
    ).toBe(400);
    expect((await checked('GET', '/wallet/accounts', '/wallet/accounts', {})).status).toBe(401);

    // an erasure of someone the ledger names answers the documented Erasure (kept_for_ledger)
    const erased = await checked('POST', '/ops/erasure', '/ops/erasure', {
      headers: SERVICE,
      body: { user_id: payee.id },
    });
    expect(erased.body.counts.kept_for_ledger).toBe(true);
  });

  it('openapi - a response the document does not allow fails validation (the check can fail)', async () => {
    const { default: Ajv2019 } = await import('ajv/dist/2019.js');
    const { default: addFormats } = await import('ajv-formats');
    const doc = (await get('/ops/openapi.json')).body!;
    // deno-lint-ignore no-explicit-any
    const ajv = new (Ajv2019 as any)({ strict: false });
    // deno-lint-ignore no-explicit-any
    (addFormats as any)(ajv);
    const validate = ajv.compile(doc.components.schemas.Health);
    expect(validate({ status: 'fine', checks: {}, service: 'tallyq', time: 'now' })).toBe(false);
    expect(
      validate({
        status: 'healthy',
        checks: {},
        service: 'tallyq',
        time: new Date().toISOString(),
        extra: 1,
      }),
    )
      .toBe(false);
  });
});

describe('correlation ids', () => {
  it("correlation - the caller's X-Correlation-Id is echoed and reaches the queue message and the uploaded event", async () => {
    const user = await createUser('correlation');
    const correlationId = `e2e-${crypto.randomUUID()}`;
    const form = new FormData();
    form.set(
      'file',
      new Blob([await readSample('X51005433533') as Uint8Array<ArrayBuffer>], {
        type: 'image/jpeg',
      }),
      'r.jpg',
    );
    const res = await fetch(`${FUNCTIONS_URL}/receipts`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${user.jwt}`, 'X-Correlation-Id': correlationId },
      body: form,
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-correlation-id')).toBe(correlationId);
    const { id } = await res.json();
    const [event] = await sql`select metadata ->> 'correlation_id' as cid from public.receipt_events
      where receipt_id = ${id} and event_type = 'uploaded'`;
    expect(event.cid).toBe(correlationId);
    const messages = await sql`
      select message ->> 'correlation_id' as cid from pgmq.q_receipt_ocr where message ->> 'receipt_id' = ${id}
      union all
      select message ->> 'correlation_id' from pgmq.a_receipt_ocr where message ->> 'receipt_id' = ${id}`;
    expect(messages.map((m) => m.cid)).toContain(correlationId);
    const made = await fetch(`${FUNCTIONS_URL}/receipts?limit=1`, {
      headers: { Authorization: `Bearer ${user.jwt}` },
    });
    await made.body?.cancel();
    expect(made.headers.get('x-correlation-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('worker logs', () => {
  // The local functions server's stdout: every function's JSON log lines (stack.sh: logs/).
  const LOG = join(dirname(STORAGE), 'logs', 'functions.log');
  const linesWith = (needle: string): Json[] =>
    readFileSync(LOG, 'utf8').split('\n').filter((l) => l.includes(needle) && l.startsWith('{'))
      .map((l) => JSON.parse(l));
  const waitLine = async (needle: string, pick: (l: Json) => boolean) => {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const hit = linesWith(needle).find(pick);
      if (hit) return hit;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`no log line with ${needle} matched in ${LOG}`);
  };

  it("worker logs - the receipt worker's lines carry the upload's correlation id, the receipt id and the duration", async () => {
    const user = await createUser('worker-logs');
    const correlationId = `e2e-log-${crypto.randomUUID()}`;
    const form = new FormData();
    form.set(
      'file',
      new Blob([await readSample('X51005676541') as Uint8Array<ArrayBuffer>], {
        type: 'image/jpeg',
      }),
      'r.jpg',
    );
    const res = await fetch(`${FUNCTIONS_URL}/receipts`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${user.jwt}`, 'X-Correlation-Id': correlationId },
      body: form,
    });
    const { id } = await res.json();
    await waitSettled([id]);
    const closing = await waitLine(correlationId, (l) => l.msg === 'message processed');
    expect(closing).toMatchObject({
      fn: 'receipt-worker',
      level: 'info',
      correlation_id: correlationId,
      receipt_id: id,
      mode: 'ocr',
    });
    expect(['done', 'retry', 'wait', 'fail']).toContain(closing.outcome);
    expect(closing.duration_ms).toBeGreaterThan(0);
    // the worker's own lines about that receipt carry the id as well, unpassed by hand
    expect(
      linesWith(correlationId).some((l) => l.msg === 'receipt extracted' && l.receipt_id === id),
    )
      .toBe(true);
  });

  it("worker logs - the webhook processor's lines carry the delivery's correlation id and the event id", async () => {
    const correlationId = `e2e-hook-${crypto.randomUUID()}`;
    const t = Math.floor(Date.now() / 1000);
    const eventId = `evt_log_${crypto.randomUUID().replaceAll('-', '')}`;
    const body = JSON.stringify({
      id: eventId,
      object: 'event',
      type: 'customer.updated',
      created: t,
      livemode: false,
      data: { object: { id: `cus_${t}`, object: 'customer' } },
    });
    const secret = env('STRIPE_WEBHOOK_SECRETS').split(',')[0].trim();
    const sig = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
    const res = await fetch(`${FUNCTIONS_URL}/payments-webhook`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'stripe-signature': `t=${t},v1=${sig}`,
        'X-Correlation-Id': correlationId,
        // its own client address: the per-IP webhook limit is not this test's concern
        'cf-connecting-ip': `2001:db8::${Math.floor(Math.random() * 0xffff).toString(16)}:2`,
      },
      body,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-correlation-id')).toBe(correlationId);
    const [stored] = await sql`select id::int from public.webhook_events
      where provider = 'stripe' and event_id = ${eventId}`;
    const closing = await waitLine(correlationId, (l) => l.msg === 'message processed');
    expect(closing).toMatchObject({
      fn: 'webhook-processor',
      correlation_id: correlationId,
      webhook_event_id: stored.id,
      provider: 'stripe',
      event_type: 'customer.updated',
      outcome: 'done',
    });
    expect(typeof closing.duration_ms).toBe('number');
  });
});
