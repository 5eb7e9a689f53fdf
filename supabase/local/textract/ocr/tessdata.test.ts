// Tesseract's model choice: the best_int model is unpacked from its npm package once, into a
// tessdata directory tesseract accepts, and reads a drawn receipt line for real.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  bestModelSource,
  defaultTesseractModels,
  parseTesseractModels,
  tessdataDirFor,
} from './tessdata.ts';
import { closeEngines, recognize, recognizeTesseract } from './engine.ts';

Deno.test('tessdataDirFor - fast is the system model: no directory of its own', () => {
  assert.equal(tessdataDirFor('fast', '/nonexistent'), undefined);
});

Deno.test('tessdataDirFor - best unpacks the packaged model once, beside a tsv config', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessdata-'));
  try {
    const src = join(dir, 'model.gz');
    writeFileSync(src, gzipSync(new TextEncoder().encode('model bytes')));
    const out = tessdataDirFor('best', join(dir, 'cache'), src);
    assert.ok(out);
    assert.equal(readFileSync(join(out, 'eng.traineddata'), 'utf8'), 'model bytes');
    assert.equal(readFileSync(join(out, 'configs/tsv'), 'utf8'), 'tessedit_create_tsv 1\n');
    // A second use reads what is there, even with the source gone.
    rmSync(src);
    const mtime = statSync(join(out, 'eng.traineddata')).mtimeMs;
    assert.equal(tessdataDirFor('best', join(dir, 'cache'), src), out);
    assert.equal(statSync(join(out, 'eng.traineddata')).mtimeMs, mtime);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

Deno.test('tessdataDirFor - a missing package is named in the error', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessdata-'));
  try {
    assert.throws(
      () => tessdataDirFor('best', dir, join(dir, 'missing.gz')),
      /@tesseract\.js-data\/eng/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

Deno.test('defaultTesseractModels - fast merged with Paddle, best as one more reading', () => {
  const prev = Deno.env.get('TALLYQ_TESSERACT_MODELS');
  try {
    Deno.env.delete('TALLYQ_TESSERACT_MODELS');
    assert.deepEqual(defaultTesseractModels(), ['fast', 'best']);
    Deno.env.set('TALLYQ_TESSERACT_MODELS', 'fast');
    assert.deepEqual(defaultTesseractModels(), ['fast']);
  } finally {
    if (prev === undefined) Deno.env.delete('TALLYQ_TESSERACT_MODELS');
    else Deno.env.set('TALLYQ_TESSERACT_MODELS', prev);
  }
  assert.deepEqual(parseTesseractModels(' best , fast '), ['best', 'fast']);
  for (const bad of ['huge', 'fast,fast', '', ',']) {
    assert.throws(() => parseTesseractModels(bad), /TALLYQ_TESSERACT_MODELS must list fast, best/);
  }
});

Deno.test({
  name: 'recognizeTesseract - the best model (installed by ensure-deps) reads a drawn receipt line',
  fn: async () => {
    assert.ok(existsSync(bestModelSource()), `${bestModelSource()} is installed`);
    const dir = mkdtempSync(join(tmpdir(), 'tessdata-'));
    try {
      const img = spawnSync('convert', [
        '-size',
        '700x120',
        'xc:white',
        '-fill',
        'black',
        '-font',
        'DejaVu-Sans',
        '-pointsize',
        '30',
        '-annotate',
        '+30+70',
        'KEDAI CONTOH TOTAL 12.50',
        'png:-',
      ], { maxBuffer: 10 * 1024 * 1024 });
      assert.equal(img.status, 0, String(img.stderr));
      const page = await recognizeTesseract(new Uint8Array(img.stdout), {
        tessdataDir: tessdataDirFor('best', dir),
      });
      assert.equal(page.lines.map((l) => l.text).join('\n'), 'KEDAI CONTOH TOTAL 12.50');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
});

/** One line of text drawn as a PNG (ImageMagick). */
function drawLine(text: string): Uint8Array {
  const img = spawnSync('convert', [
    '-size',
    '700x120',
    'xc:white',
    '-fill',
    'black',
    '-font',
    'DejaVu-Sans',
    '-pointsize',
    '30',
    '-annotate',
    '+30+70',
    text,
    'png:-',
  ], { maxBuffer: 10 * 1024 * 1024 });
  assert.equal(img.status, 0, String(img.stderr));
  return new Uint8Array(img.stdout);
}

Deno.test('recognize - combined fast,best reads a third time only where the readings disagree', async () => {
  try {
    // Both engines read the same total and no date: a date missing counts as disagreement, so a
    // page with a date and a total that both read alike is what needs no third reading.
    const agreed = await recognize(drawLine('12/03/2018 TOTAL 12.50'), {
      engine: 'combined',
      tesseractModels: ['fast', 'best'],
    });
    assert.deepEqual(agreed.alternatives?.map((a) => a.engine), ['paddle', 'tesseract']);
    // No total on the page: the readings cannot agree on it, so the best model reads it too.
    const missing = await recognize(drawLine('KEDAI CONTOH 12/03/2018'), {
      engine: 'combined',
      tesseractModels: ['fast', 'best'],
    });
    assert.deepEqual(missing.alternatives?.map((a) => a.engine), [
      'paddle',
      'tesseract',
      'tesseract',
    ]);
    assert.match(missing.alternatives?.[2].lines.map((l) => l.text).join(' ') ?? '', /CONTOH/);
  } finally {
    closeEngines();
  }
});
