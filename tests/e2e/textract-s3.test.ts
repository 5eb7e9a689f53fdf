// Textract's async path through S3, end to end on the running test stack: the worker stages the
// PDF in the S3 server (s3rver behind a SigV4 gate), the local Textract endpoint reads the
// S3Object from that same server with a signed HEAD + GET, and the staged copy is deleted once
// the job has finished. The requests are the ones AWS gets (no Bytes anywhere on this path).
import { AwsClient } from 'aws4fetch';
import { afterAll, describe, expect, it } from 'vitest';
import { pdfFromJpegs } from '../../supabase/functions/_shared/textract/pdf-from-jpeg.ts';
import {
  createUser,
  cronSweep,
  env,
  readSample,
  resetTextractCalls,
  sql,
  storeReceipts,
  textractCalls,
  waitSettled,
} from '../support/stack.ts';

const s3 = new AwsClient({
  accessKeyId: env('LOCAL_AWS_ACCESS_KEY_ID'),
  secretAccessKey: env('LOCAL_AWS_SECRET_ACCESS_KEY'),
  region: env('AWS_REGION'),
  service: 's3',
});
const textract = new AwsClient({
  accessKeyId: env('AWS_ACCESS_KEY_ID'),
  secretAccessKey: env('AWS_SECRET_ACCESS_KEY'),
  region: env('AWS_REGION'),
  service: 'textract',
});
const bucket = env('TEXTRACT_S3_BUCKET');
const objectUrl = (key: string) => `${env('TEXTRACT_S3_ENDPOINT')}/${bucket}/${key}`;

async function callTextract(op: string, body: unknown) {
  const res = await textract.fetch(`${env('TEXTRACT_ENDPOINT')}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `Textract.${op}` },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

afterAll(async () => {
  await sql.end();
});

describe('textract staging through S3', () => {
  it('a PDF receipt is staged in S3, read from there by Textract, and the copy is removed', async () => {
    const owner = await createUser('s3-staging');
    await resetTextractCalls();
    const pdf = pdfFromJpegs([await readSample('X51005442397')]);
    const [id] = await storeReceipts([{ owner, bytes: pdf, contentType: 'application/pdf' }]);
    const sweeping = setInterval(() => cronSweep().catch(() => {}), 1000);
    let settled;
    try {
      [settled] = await waitSettled([id], 120_000);
    } finally {
      clearInterval(sweeping);
    }
    expect(['ocr_done', 'needs_review']).toContain(settled.status);
    expect(settled.textract_job_id).toBeTruthy();
    expect((await textractCalls())['S3:GetObject']).toBe(1);
    const staged = await s3.fetch(objectUrl(`textract-staging/${owner.orgId}/${id}.pdf`), {
      method: 'HEAD',
    });
    expect(staged.status).toBe(404);
  });

  it('StartExpenseAnalysis reads the S3Object from the S3 server; a missing key is InvalidS3ObjectException', async () => {
    const key = `e2e/${crypto.randomUUID()}.pdf`;
    const put = await s3.fetch(objectUrl(key), {
      method: 'PUT',
      headers: { 'content-type': 'application/pdf' },
      body: pdfFromJpegs([await readSample('X51005442397')]) as Uint8Array<ArrayBuffer>,
    });
    expect(put.status).toBe(200);
    const started = await callTextract('StartExpenseAnalysis', {
      DocumentLocation: { S3Object: { Bucket: bucket, Name: key } },
    });
    expect(started.status).toBe(200);
    let job = await callTextract('GetExpenseAnalysis', { JobId: started.body.JobId });
    for (let i = 0; i < 240 && job.body.JobStatus === 'IN_PROGRESS'; i++) {
      await new Promise((r) => setTimeout(r, 500));
      job = await callTextract('GetExpenseAnalysis', { JobId: started.body.JobId });
    }
    expect(job.body.JobStatus).toBe('SUCCEEDED');
    expect(job.body.DocumentMetadata.Pages).toBe(1);

    const missing = await callTextract('StartExpenseAnalysis', {
      DocumentLocation: { S3Object: { Bucket: bucket, Name: `e2e/${crypto.randomUUID()}.pdf` } },
    });
    expect(missing.status).toBe(400);
    expect(missing.body.__type).toBe('InvalidS3ObjectException');
    await s3.fetch(objectUrl(key), { method: 'DELETE' });
  });

  it('the S3 server refuses an unsigned read and a wrongly signed write, as AWS does', async () => {
    const anonymous = await fetch(objectUrl('e2e/anything.pdf'));
    expect(anonymous.status).toBe(403);
    expect(await anonymous.text()).toContain('<Code>AccessDenied</Code>');
    const forged = new AwsClient({
      accessKeyId: env('LOCAL_AWS_ACCESS_KEY_ID'),
      secretAccessKey: 'not-the-secret',
      region: env('AWS_REGION'),
      service: 's3',
    });
    const res = await forged.fetch(objectUrl('e2e/forged.pdf'), {
      method: 'PUT',
      body: new Uint8Array([1]),
    });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
  });
});
