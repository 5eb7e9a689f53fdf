// The extract CLI end to end: real files in, one JSON line per file out, in input order; a file
// that is not a readable image gives an `error` line and the CLI carries on. Runs against
// TEXTRACT_ENDPOINT when the test stack provides it, otherwise the CLI starts its own endpoint.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const receipt = join(root, 'tests/fixtures/receipts/X51005268400.jpg');

Deno.test('extract CLI - one JSON line per file, errors reported in line, order kept', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tallyq-extract-'));
  try {
    const notAnImage = join(dir, 'notes.jpg');
    await writeFile(notAnImage, 'this is plain text, not a JPEG');
    const out = await new Deno.Command(Deno.execPath(), {
      args: ['run', '-A', '--quiet', join(root, 'scripts/extract.ts'), receipt, notAnImage],
      cwd: root,
      stdout: 'piped',
      stderr: 'piped',
    }).output();
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    const lines = new TextDecoder().decode(out.stdout).trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(lines.length, 2);

    const [good, bad] = lines;
    assert.equal(good.file, receipt);
    assert.equal(good.error, undefined);
    assert.match(good.total, /^\d+\.\d{2}$/);
    assert.match(good.date, /^\d{4}-\d{2}-\d{2}$/);
    assert.equal(good.currency, 'MYR');
    for (const key of ['vendor', 'address', 'subtotal', 'tax', 'line_items', 'confidence']) {
      assert.ok(key in good, `missing ${key}`);
    }
    assert.ok(good.confidence.total > 0 && good.confidence.total <= 1);

    assert.equal(bad.file, notAnImage);
    assert.equal(typeof bad.error, 'string');
    assert.equal(bad.total, null);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
