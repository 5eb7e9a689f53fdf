import assert from 'node:assert/strict';
import { runProbes } from './checks.ts';
import { dependencyProbes, textractEndpointFrom } from './probes.ts';

const sql = { unsafe: () => Promise.resolve([]) };
const store = { exists: () => Promise.resolve(false) };

Deno.test('dependencyProbes - every dependency in one order; unconfigured ones are never probed', async () => {
  let pinged = false;
  const redis = { ping: () => Promise.resolve(pinged = true) };
  assert.deepEqual(
    dependencyProbes({ sql, redis, store, textractEndpoint: 'http://x' }).map((p) => p.name),
    ['database', 'redis', 'storage', 'textract'],
  );
  const report = await runProbes(dependencyProbes({ sql, store }));
  assert.equal(pinged, false);
  assert.equal(JSON.stringify(report).includes('not_configured'), true);
});

Deno.test('textractEndpointFrom - the explicit endpoint, else AWS for the region, else none', () => {
  assert.equal(
    textractEndpointFrom({ TEXTRACT_ENDPOINT: 'http://t', AWS_REGION: 'eu-west-1' }),
    'http://t',
  );
  assert.equal(
    textractEndpointFrom({ AWS_REGION: 'eu-west-1' }),
    'https://textract.eu-west-1.amazonaws.com',
  );
  assert.equal(textractEndpointFrom({}), undefined);
});
