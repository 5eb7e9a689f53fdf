import assert from 'node:assert/strict';
import { AwsClient } from 'npm:aws4fetch@^1.0.20';
import { verifySigV4 } from './sigv4.ts';

// AWS's published SigV4 test suite, case "get-vanilla".
const vanilla = {
  method: 'GET',
  url: 'http://example.amazonaws.com/',
  headers: new Headers({
    host: 'example.amazonaws.com',
    'x-amz-date': '20150830T123600Z',
    authorization:
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, ' +
      'SignedHeaders=host;x-amz-date, ' +
      'Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
  }),
  body: new Uint8Array(),
};
const vanillaOpts = {
  credentials: new Map([['AKIDEXAMPLE', 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY']]),
  service: 'service',
  now: new Date('2015-08-30T12:40:00Z'),
};

Deno.test('sigv4 - accepts the AWS test-suite request get-vanilla', () => {
  const r = verifySigV4(vanilla, vanillaOpts);
  assert.deepEqual(r, {
    ok: true,
    accessKeyId: 'AKIDEXAMPLE',
    region: 'us-east-1',
    service: 'service',
  });
});

Deno.test('sigv4 - a request older than 15 minutes is expired', () => {
  const r = verifySigV4(vanilla, { ...vanillaOpts, now: new Date('2015-08-30T13:00:00Z') });
  assert.equal(r.ok, false);
  assert.equal(!r.ok && r.code, 'InvalidSignatureException');
  assert.match(!r.ok ? r.message : '', /Signature expired/);
});

Deno.test('sigv4 - the wrong service, missing or garbled headers are rejected', () => {
  const wrongService = verifySigV4(vanilla, { ...vanillaOpts, service: 'textract' });
  assert.equal(!wrongService.ok && wrongService.code, 'InvalidSignatureException');
  const none = verifySigV4({ ...vanilla, headers: new Headers() }, vanillaOpts);
  assert.equal(!none.ok && none.code, 'MissingAuthenticationTokenException');
  const garbled = verifySigV4(
    { ...vanilla, headers: new Headers({ authorization: 'AWS4-HMAC-SHA256 nope' }) },
    vanillaOpts,
  );
  assert.equal(!garbled.ok && garbled.code, 'IncompleteSignatureException');
  assert.equal(!garbled.ok && garbled.status, 403);
});

Deno.test('sigv4 - verifies what aws4fetch signs, and notices a changed body or target', async () => {
  const aws = new AwsClient({
    accessKeyId: 'AKIALOCAL',
    secretAccessKey: 's3cret',
    service: 'textract',
    region: 'eu-west-1',
  });
  const body = '{"Document":{"Bytes":"AAAA"}}';
  const req = await aws.sign('http://127.0.0.1:54380/', {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-amz-json-1.1',
      'X-Amz-Target': 'Textract.AnalyzeExpense',
    },
    body,
  });
  const opts = { credentials: new Map([['AKIALOCAL', 's3cret']]), service: 'textract' };
  const enc = new TextEncoder();
  const asSeen = (b: string, h = req.headers) => ({
    method: 'POST',
    url: req.url,
    headers: h,
    body: enc.encode(b),
  });
  assert.equal(verifySigV4(asSeen(body), opts).ok, true);
  assert.equal(verifySigV4(asSeen(body.replace('AAAA', 'AAAB')), opts).ok, false);
  const h = new Headers(req.headers);
  h.set('x-amz-target', 'Textract.DetectDocumentText');
  const changed = verifySigV4(asSeen(body, h), opts);
  assert.equal(!changed.ok && changed.code, 'InvalidSignatureException');
  const unknown = verifySigV4(asSeen(body), { ...opts, credentials: new Map([['OTHER', 'x']]) });
  assert.equal(!unknown.ok && unknown.code, 'UnrecognizedClientException');
});
