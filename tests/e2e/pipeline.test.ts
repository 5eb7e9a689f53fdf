// Receipt pipeline end to end on the running test stack: trigger -> pgmq -> pg_net kick -> worker
// -> local Textract (real OCR, recorded once and replayed for identical bytes) -> write-back.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { pdfFromJpegs } from '../../supabase/functions/_shared/textract/pdf-from-jpeg.ts';
import {
  clearFaults,
  createUser,
  createUsers,
  cronSweep,
  drainWorker,
  env,
  pgArray,
  readSample,
  resetTextractCalls,
  setFaults,
  sql,
  storeReceipts,
  textractCalls,
  waitFor,
  waitSettled,
} from '../support/stack.ts';

const EXTRACTED = ['ocr_done', 'needs_review'];

async function events(receiptId: string): Promise<string[]> {
  const rows = await sql`select event_type from public.receipt_events
    where receipt_id = ${receiptId} order by id`;
  return rows.map((r) => r.event_type as string);
}

/** Sweeps (as pg_cron would) until the receipts settle: retries wait out their backoff first. */
async function sweepUntilSettled(ids: string[], timeoutMs = 60_000) {
  const sweeping = setInterval(() => cronSweep().catch(() => {}), 1000);
  try {
    return await waitSettled(ids, timeoutMs);
  } finally {
    clearInterval(sweeping);
  }
}

afterEach(async () => {
  await clearFaults();
});

afterAll(async () => {
  await sql.end();
});

async function upload(jwt: string, bytes: Uint8Array, name: string, type: string) {
  const body = new FormData();
  body.set('file', new Blob([bytes as Uint8Array<ArrayBuffer>], { type }), name);
  const res = await fetch(`${env('FUNCTIONS_URL')}/receipts`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${jwt}` },
    body,
  });
  return { status: res.status, body: await res.json() };
}

async function getReceipt(jwt: string, id: string) {
  const res = await fetch(`${env('FUNCTIONS_URL')}/receipts/${id}`, {
    headers: { Authorization: `Bearer ${jwt}` },
  });
  return { status: res.status, body: await res.json() };
}

describe('receipt pipeline - golden path', () => {
  it('an upload over HTTP reaches ocr_done with fields, through the trigger kick alone', async () => {
    const user = await createUser('golden');
    const created = await upload(
      user.jwt,
      await readSample('X51005268400'),
      'lunch.jpg',
      'image/jpeg',
    );
    expect(created.status).toBe(201);
    expect(created.body.status).toBe('pending');

    // No sweep here: the enqueue trigger's pg_net kick is the only thing that wakes the worker.
    const done = await waitFor('the receipt to be extracted', async () => {
      const r = await getReceipt(user.jwt, created.body.id);
      return EXTRACTED.includes(r.body.status) ? r : null;
    }, 90_000);

    expect(done.status).toBe(200);
    const receipt = done.body;
    expect(Number.isSafeInteger(receipt.fields.total)).toBe(true); // minor units
    expect(receipt.fields.currency_minor_unit).toBe(2);
    expect(receipt.fields.currency).toBe('MYR');
    expect(receipt.fields.receipt_date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(receipt.fields.vendor).toBeTruthy();
    expect(receipt.field_confidence.total).toBeGreaterThan(0);
    const history = await events(created.body.id);
    expect(history).toEqual(['uploaded', 'processing', receipt.status]);
    const kicks = await sql`select count(*)::int as n from net._http_response
      where created > now() - interval '5 minutes' and status_code = 202`;
    expect(kicks[0].n).toBeGreaterThan(0);
  });

  it("the worker records the shop's tax id and the organisation's vendor directory learns it", async () => {
    const user = await createUser('directory');
    // PERNIAGAAN ZHENG HUI prints "GST ID: 000800589824" under its name.
    const [id] = await storeReceipts([{ owner: user, bytes: await readSample('X51005433533') }]);
    const [receipt] = await waitSettled([id]);
    expect(EXTRACTED).toContain(receipt.status);
    expect(receipt.vendor_tax_id).toBe('000800589824');
    const entries = await sql`select tax_id, vendor, source_receipt_id from public.vendor_directory
      where organisation_id = ${receipt.organisation_id}`;
    expect(entries).toEqual([{
      tax_id: '000800589824',
      vendor: receipt.vendor,
      source_receipt_id: id,
    }]);
    const api = await getReceipt(user.jwt, id);
    expect(api.body.fields.vendor_tax_id).toBe('000800589824');
  });

  it('a PDF goes through the async Textract path (job started, polled, extracted)', async () => {
    const user = await createUser('pdf');
    const pdf = pdfFromJpegs([await readSample('X51006311778')]);
    const created = await upload(user.jwt, pdf, 'receipt.pdf', 'application/pdf');
    expect(created.status).toBe(201);
    expect(created.body.content_type).toBe('application/pdf');

    const [receipt] = await sweepUntilSettled([created.body.id], 120_000);
    expect(EXTRACTED).toContain(receipt.status);
    expect(receipt.textract_job_id).toBeTruthy();
    expect(await events(created.body.id)).toContain('async_job_started');
    const [artifact] = await sql`select kind from public.receipt_artifacts
      where receipt_id = ${created.body.id}`;
    expect(artifact.kind).toBe('expense_analysis_job');
  });
});

describe('receipt pipeline - faults', () => {
  it('throttled twice: the Textract client retries within the call and the receipt completes', async () => {
    const user = await createUser('throttle');
    await resetTextractCalls();
    await setFaults([{ fault: 'throttle', times: 2, operation: 'AnalyzeExpense' }]);
    const [id] = await storeReceipts([{ owner: user, bytes: await readSample('X51005361950') }]);

    const [receipt] = await waitSettled([id]);

    expect(EXTRACTED).toContain(receipt.status);
    expect(receipt.attempts).toBe(0);
    expect((await textractCalls()).AnalyzeExpense).toBe(3);
    expect(await events(id)).not.toContain('retry_scheduled');
  });

  it('5xx past the in-call budget: retried through the queue with backoff, then succeeds', async () => {
    const user = await createUser('5xx');
    // 3 attempts in the first call fail, the first of the second call fails, then success.
    await setFaults([{ fault: 'server_error', times: 4, operation: 'AnalyzeExpense' }]);
    const [id] = await storeReceipts([{ owner: user, bytes: await readSample('X51005365179') }]);

    await waitFor('a scheduled retry', async () => (await events(id)).includes('retry_scheduled'));
    const [pending] =
      await sql`select status, attempts, last_error from public.receipts where id = ${id}`;
    expect(pending.status).toBe('pending');
    expect(pending.attempts).toBe(1);
    expect(pending.last_error).toMatch(/InternalServerError/);

    const [receipt] = await sweepUntilSettled([id]);
    expect(EXTRACTED).toContain(receipt.status);
    expect(receipt.attempts).toBe(1);
    expect(receipt.last_error).toBeNull();
    const history = await events(id);
    expect(history.filter((e) => e === 'retry_scheduled')).toHaveLength(1);
    expect(history.filter((e) => EXTRACTED.includes(e))).toHaveLength(1);
  });

  it('a Textract call that outlives the timeout is abandoned, retried and succeeds', async () => {
    const user = await createUser('slow');
    await resetTextractCalls();
    // TEXTRACT_TIMEOUT_MS is 20000 on the test stack.
    await setFaults([{ fault: 'delay', ms: 21_000, times: 1, operation: 'AnalyzeExpense' }]);
    const [id] = await storeReceipts([{ owner: user, bytes: await readSample('X51005433533') }]);

    const [receipt] = await waitSettled([id]);

    expect(EXTRACTED).toContain(receipt.status);
    expect((await textractCalls()).AnalyzeExpense).toBeGreaterThanOrEqual(2);
  });

  it('a corrupt image is dead-lettered once and fails with the reason', async () => {
    const user = await createUser('corrupt');
    const corrupt = new Uint8Array(4096);
    corrupt.set([0xff, 0xd8, 0xff, 0xe0]); // a JPEG signature over garbage
    crypto.getRandomValues(corrupt.subarray(4, 2048));
    const [id] = await storeReceipts([{ owner: user, bytes: corrupt }]);

    const [receipt] = await waitSettled([id]);
    expect(receipt.status).toBe('failed');
    expect(receipt.last_error).toMatch(/BadDocumentException|UnsupportedDocumentException/);

    // Later sweeps find nothing to do: still exactly one dead letter and one dead_lettered event.
    await cronSweep();
    await new Promise((r) => setTimeout(r, 1500));
    const dlq = await sql`select count(*)::int as n from pgmq.q_receipt_ocr_dlq
      where message ->> 'receipt_id' = ${id}`;
    expect(dlq[0].n).toBe(1);
    expect((await events(id)).filter((e) => e === 'dead_lettered')).toHaveLength(1);
    const queued = await sql`select count(*)::int as n from pgmq.q_receipt_ocr
      where message ->> 'receipt_id' = ${id}`;
    expect(queued[0].n).toBe(0);
  });

  it('a dead-lettered receipt comes back with replay_dead_letters and completes', async () => {
    const user = await createUser('replay');
    await setFaults([{
      fault: 'error',
      type: 'UnsupportedDocumentException',
      status: 400,
      times: 1,
      operation: 'AnalyzeExpense',
    }]);
    const [id] = await storeReceipts([{ owner: user, bytes: await readSample('X51005442397') }]);
    const [failed] = await waitSettled([id]);
    expect(failed.status).toBe('failed');
    expect(failed.last_error).toMatch(/UnsupportedDocumentException/);

    const [{ replayed }] =
      await sql`select public.replay_dead_letters(array[${id}]::uuid[]) as replayed`;
    expect(replayed).toBe(1);

    const [receipt] = await waitSettled([id]);
    expect(EXTRACTED).toContain(receipt.status);
    expect(receipt.last_error).toBeNull();
    expect(await events(id)).toEqual(expect.arrayContaining(['dead_lettered', 'replayed']));
    const dlq = await sql`select count(*)::int as n from pgmq.q_receipt_ocr_dlq
      where message ->> 'receipt_id' = ${id}`;
    expect(dlq[0].n).toBe(0);
  });
});

describe('receipt pipeline - crash', () => {
  it('kill -9 of the function server mid-batch: every receipt ends done exactly once in effect', async () => {
    const user = await createUser('crash');
    const samples = ['X51005444037', 'X51005568827', 'X51005587267', 'X51005676541'];
    // Slow answers keep the batch in flight long enough to kill the server under it.
    await setFaults([{ fault: 'delay', ms: 2000, times: 100, operation: 'AnalyzeExpense' }]);
    const ids = await storeReceipts(
      await Promise.all(samples.map(async (s) => ({ owner: user, bytes: await readSample(s) }))),
    );
    await waitFor('the batch in flight', async () => {
      const [{ n }] = await sql`select count(*)::int as n from public.receipts
        where id = any(${pgArray(ids)}::uuid[]) and status = 'processing'`;
      return n === ids.length;
    });

    const runDir = join(process.cwd(), '.tallyq', env('TALLYQ_PROFILE'), 'run');
    const pid = Number(readFileSync(join(runDir, 'functions.pid'), 'utf8'));
    process.kill(pid, 'SIGKILL');
    await waitFor('the killed server to be gone', () => {
      try {
        process.kill(pid, 0);
        return Promise.resolve(readFileSync(`/proc/${pid}/stat`, 'utf8').split(' ')[2] === 'Z');
      } catch {
        return Promise.resolve(true);
      }
    });
    await clearFaults();
    execFileSync('bash', ['scripts/stack.sh', 'start', '--profile', env('TALLYQ_PROFILE')], {
      stdio: 'ignore',
    });

    // The messages reappear after their visibility timeout; the sweep hands them to the new server.
    const rows = await sweepUntilSettled(ids, 90_000);

    for (const r of rows) expect(EXTRACTED).toContain(r.status);
    const artifacts = await sql`select receipt_id, count(*)::int as n from public.receipt_artifacts
      where receipt_id = any(${pgArray(ids)}::uuid[]) group by receipt_id`;
    expect(artifacts).toHaveLength(ids.length);
    for (const a of artifacts) expect(a.n).toBe(1);
    const results = await sql`select receipt_id, count(*)::int as n from public.receipt_events
      where receipt_id = any(${pgArray(ids)}::uuid[]) and event_type in ('ocr_done', 'needs_review')
      group by receipt_id`;
    expect(results).toHaveLength(ids.length);
    for (const r of results) expect(r.n).toBe(1);
    const archived = await sql`select count(*)::int as n from pgmq.a_receipt_ocr
      where message ->> 'receipt_id' = any(${pgArray(ids)}::text[])`;
    expect(archived[0].n).toBe(ids.length);
  });
});

describe('receipt pipeline - concurrency', () => {
  it('4 worker invocations at once over 500 receipts: none is processed twice', async () => {
    const owners = await createUsers(500);
    const bytes = await readSample('X51005717526');
    // Warm the endpoint's recording of this image so the 500 calls are answered at once.
    const warm = await createUser('warm');
    await waitSettled(await storeReceipts([{ owner: warm, bytes }]));
    await resetTextractCalls();

    const ids = await storeReceipts(owners.map((owner) => ({ owner, bytes })));
    const drains = await Promise.all([drainWorker(), drainWorker(), drainWorker(), drainWorker()]);
    await sweepUntilSettled(ids, 120_000);

    expect(drains.reduce((n, d) => n + Number(d.claimed), 0)).toBeLessThanOrEqual(500);
    expect((await textractCalls()).AnalyzeExpense).toBe(500);
    const [counts] = await sql`
      select
        (select count(*)::int from public.receipt_events where receipt_id = any(${
      pgArray(ids)
    }::uuid[])
           and event_type = 'processing') as processing,
        (select count(*)::int from public.receipt_events where receipt_id = any(${
      pgArray(ids)
    }::uuid[])
           and event_type in ('ocr_done', 'needs_review')) as results,
        (select count(distinct receipt_id)::int from public.receipt_events
           where receipt_id = any(${
      pgArray(ids)
    }::uuid[]) and event_type in ('ocr_done', 'needs_review'))
           as receipts_with_result,
        (select count(*)::int from public.receipt_artifacts where receipt_id = any(${
      pgArray(ids)
    }::uuid[]))
           as artifacts,
        (select count(*)::int from pgmq.a_receipt_ocr
           where message ->> 'receipt_id' = any(${pgArray(ids)}::text[])) as archived`;
    expect(counts).toEqual({
      processing: 500,
      results: 500,
      receipts_with_result: 500,
      artifacts: 500,
      archived: 500,
    });
  });
});

// Keeps the storage helper honest: what the worker reads is what the test wrote.
describe('receipt pipeline - storage layout', () => {
  it('stores the document under <org>/<owner>/<sha256>', async () => {
    const user = await createUser('layout');
    const bytes = await readSample('X51005719873');
    const [id] = await storeReceipts([{ owner: user, bytes }]);
    const [row] = await sql`select storage_path, sha256 from public.receipts where id = ${id}`;
    expect(row.storage_path).toBe(`${user.orgId}/${user.id}/${row.sha256}.jpg`);
    await writeFile(join(env('LOCAL_STORAGE_DIR'), 'probe.txt'), 'ok');
    await waitSettled([id]);
  });
});
