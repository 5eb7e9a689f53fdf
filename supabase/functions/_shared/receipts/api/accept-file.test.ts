import assert from 'node:assert/strict';
import { HttpError } from '../../http/errors.ts';
import { acceptReceiptFile } from './accept-file.ts';

const sample = await Deno.readFile(
  new URL('../../../../../tests/fixtures/receipts/X51005268400.jpg', import.meta.url),
);
const bytes = (...parts: (number[] | string)[]) =>
  new Uint8Array(
    parts.flatMap((p) => typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p),
  );

function refused(input: Uint8Array, status: number, code: string, message: RegExp) {
  assert.throws(() => acceptReceiptFile(input), (err: unknown) => {
    assert.ok(err instanceof HttpError);
    assert.equal(err.status, status);
    assert.equal(err.code, code);
    assert.match(err.message, message);
    return true;
  });
}

Deno.test('accept file - a whole scanned JPEG is accepted', () => {
  assert.equal(acceptReceiptFile(sample).mime, 'image/jpeg');
});

Deno.test('accept file - the same JPEG cut short (any point after the header) is a 422', () => {
  for (const keep of [0.3, 0.6, 0.9, 0.999]) {
    const cut = sample.subarray(0, Math.floor(sample.length * keep));
    refused(cut, 422, 'incomplete_file', /end-of-image/);
  }
});

Deno.test('accept file - WebP and HEIC are recognised and refused with 415 saying to convert', () => {
  refused(
    bytes('RIFF', [1, 2, 3, 4], 'WEBPVP8 ', [0, 0, 0, 0]),
    415,
    'unsupported_file_type',
    /image\/webp .*convert it to JPEG/,
  );
  refused(
    bytes([0, 0, 0, 16], 'ftyp', 'heic', [0, 0, 0, 0]),
    415,
    'unsupported_file_type',
    /image\/heic/,
  );
});

Deno.test('accept file - unknown bytes are a 415 naming what to send', () => {
  refused(
    bytes('hello, this is a receipt'),
    415,
    'unsupported_file_type',
    /JPEG, PNG, TIFF or PDF/,
  );
});

Deno.test('accept file - PNG needs IEND, PDF needs %%EOF, TIFF its first directory', () => {
  const png = bytes([0x89], 'PNG', [0x0d, 0x0a, 0x1a, 0x0a], [0, 0, 0, 0], 'IEND', [
    0xae,
    0x42,
    0x60,
    0x82,
  ]);
  assert.equal(acceptReceiptFile(png).mime, 'image/png');
  refused(png.subarray(0, 12), 422, 'incomplete_file', /IEND/);
  assert.equal(acceptReceiptFile(bytes('%PDF-1.7\n1 0 obj\n%%EOF\n')).mime, 'application/pdf');
  refused(bytes('%PDF-1.7\n1 0 obj\n<<'), 422, 'incomplete_file', /%%EOF/);
  assert.equal(acceptReceiptFile(bytes('II', [0x2a, 0], [8, 0, 0, 0], [0, 0])).mime, 'image/tiff');
  refused(bytes('II', [0x2a, 0], [0, 1, 0, 0], [0, 0]), 422, 'incomplete_file', /TIFF/);
});
