// Staging against a real S3 implementation (s3rver behind the local SigV4 gate, started here on a
// free port): the object lands under the prefix, Textract-shaped S3Object comes back, cleanup
// deletes it, and a wrong secret is refused by the server rather than silently accepted.
import assert from 'node:assert/strict';
import { AwsClient } from 'npm:aws4fetch@^1.0.20';
import { startLocalS3 } from '../../../local/s3/server.ts';
import { loadStagingConfig, s3DocumentStaging, type StagingConfig, stagingKey } from './staging.ts';

const credentials = { accessKeyId: 'AKIASTAGINGTEST00001', secretAccessKey: 'staging-test-secret' };
const ref = {
  organisationId: '5b0c1e0e-1111-4222-8333-444455556666',
  receiptId: '0f7a9d7e-aaaa-4bbb-8ccc-dddddddddddd',
  contentType: 'application/pdf',
};
const sanitizer = { sanitizeOps: false, sanitizeResources: false };

async function withS3(fn: (config: StagingConfig, raw: AwsClient) => Promise<void>) {
  const directory = await Deno.makeTempDir({ prefix: 'tallyq-s3-' });
  const s3 = await startLocalS3({
    port: 0,
    directory,
    buckets: ['tallyq-textract-staging'],
    credentials: new Map([[credentials.accessKeyId, credentials.secretAccessKey]]),
  });
  try {
    const config = loadStagingConfig({
      TEXTRACT_S3_BUCKET: 'tallyq-textract-staging',
      TEXTRACT_S3_ENDPOINT: s3.url,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    });
    assert.ok(config);
    const raw = new AwsClient({ ...credentials, region: 'us-east-1', service: 's3' });
    await fn({ ...config, endpoint: s3.url }, raw);
  } finally {
    await s3.close();
    await Deno.remove(directory, { recursive: true });
  }
}

Deno.test({
  name: 'staging - a PDF is put under the prefix and its S3Object names it; remove deletes it',
  ...sanitizer,
  fn: () =>
    withS3(async (config, raw) => {
      const staging = s3DocumentStaging(config);
      const pdf = new TextEncoder().encode('%PDF-1.4 staged');
      const object = await staging.stage(ref, pdf);
      assert.deepEqual(object, {
        Bucket: 'tallyq-textract-staging',
        Name: `textract-staging/${ref.organisationId}/${ref.receiptId}.pdf`,
      });
      const url = `${config.endpoint}/${object.Bucket}/${object.Name}`;
      const got = await raw.fetch(url);
      assert.equal(got.status, 200);
      assert.deepEqual(new Uint8Array(await got.arrayBuffer()), pdf);

      await staging.stage(ref, pdf); // a retried stage overwrites the same key
      await staging.remove(ref);
      const gone = await raw.fetch(url, { method: 'HEAD' });
      await gone.body?.cancel();
      assert.equal(gone.status, 404);
      await staging.remove(ref); // cleanup twice is fine
    }),
});

Deno.test({
  name: 'staging - the server checks the signature: a wrong secret cannot stage',
  ...sanitizer,
  fn: () =>
    withS3(async (config) => {
      const staging = s3DocumentStaging({ ...config, secretAccessKey: 'not-the-secret' });
      await assert.rejects(staging.stage(ref, new Uint8Array([1])), /403.*SignatureDoesNotMatch/s);
    }),
});

Deno.test('staging - keys stay under the prefix; the config is off without a bucket', () => {
  assert.equal(
    stagingKey('p/', { ...ref, contentType: 'image/tiff' }),
    `p/${ref.organisationId}/${ref.receiptId}.tiff`,
  );
  assert.throws(() => stagingKey('p/', { ...ref, receiptId: '../x' }), /Unsafe staging ids/);
  assert.equal(loadStagingConfig({ AWS_REGION: 'eu-west-1' }), null);
  const aws = loadStagingConfig({
    TEXTRACT_S3_BUCKET: 'my-bucket',
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'a',
    AWS_SECRET_ACCESS_KEY: 'b',
  });
  assert.equal(aws?.endpoint, 'https://s3.eu-west-1.amazonaws.com');
  assert.equal(aws?.prefix, 'textract-staging/');
  assert.throws(
    () => loadStagingConfig({ TEXTRACT_S3_BUCKET: 'my-bucket', TEXTRACT_S3_PREFIX: 'no-slash' }),
    /TEXTRACT_S3_PREFIX.*AWS_REGION/s,
  );
});
