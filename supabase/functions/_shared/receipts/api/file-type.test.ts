import assert from 'node:assert/strict';
import { detectFileType } from './file-type.ts';

const bytes = (...parts: (number[] | string)[]) =>
  new Uint8Array(
    parts.flatMap((p) => typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p),
  );
const ftyp = (major: string, ...compatible: string[]) => {
  const size = 16 + 4 * compatible.length;
  return bytes([0, 0, 0, size], 'ftyp', major, [0, 0, 0, 0], ...compatible);
};

Deno.test('file type - JPEG by its SOI marker', () => {
  assert.deepEqual(detectFileType(bytes([0xff, 0xd8, 0xff, 0xe0, 0, 0x10], 'JFIF')), {
    mime: 'image/jpeg',
    ext: 'jpg',
  });
});

Deno.test('file type - PNG by its 8-byte signature', () => {
  assert.equal(detectFileType(bytes([0x89], 'PNG', [0x0d, 0x0a, 0x1a, 0x0a]))?.mime, 'image/png');
});

Deno.test('file type - a truncated PNG signature is not a PNG', () => {
  assert.equal(detectFileType(bytes([0x89], 'PNG', [0x0d, 0x0a])), null);
});

Deno.test('file type - WebP needs both RIFF and WEBP', () => {
  assert.equal(detectFileType(bytes('RIFF', [1, 2, 3, 4], 'WEBPVP8 '))?.mime, 'image/webp');
  assert.equal(detectFileType(bytes('RIFF', [1, 2, 3, 4], 'WAVEfmt ')), null);
});

Deno.test('file type - TIFF in both byte orders', () => {
  assert.equal(detectFileType(bytes('II', [0x2a, 0], [8, 0, 0, 0]))?.mime, 'image/tiff');
  assert.equal(detectFileType(bytes('MM', [0, 0x2a], [0, 0, 0, 8]))?.ext, 'tif');
});

Deno.test('file type - HEIC by its ftyp brand', () => {
  assert.equal(detectFileType(ftyp('heic', 'mif1', 'heic'))?.mime, 'image/heic');
  assert.equal(detectFileType(ftyp('heix'))?.ext, 'heic');
});

Deno.test('file type - mif1 with a heic compatible brand is HEIC, without one HEIF', () => {
  assert.equal(detectFileType(ftyp('mif1', 'mif1', 'heic'))?.mime, 'image/heic');
  assert.equal(detectFileType(ftyp('mif1', 'mif1', 'miaf'))?.mime, 'image/heif');
});

Deno.test('file type - other ISO-BMFF files (mp4, avif) are rejected', () => {
  assert.equal(detectFileType(ftyp('isom', 'isom', 'mp41')), null);
  assert.equal(detectFileType(ftyp('avif', 'mif1', 'avif')), null);
});

Deno.test('file type - PDF by its header', () => {
  assert.deepEqual(detectFileType(bytes('%PDF-1.7\n')), { mime: 'application/pdf', ext: 'pdf' });
});

Deno.test('file type - text, HTML, empty and short inputs are rejected', () => {
  assert.equal(detectFileType(bytes('hello, this is a receipt')), null);
  assert.equal(detectFileType(bytes('<html><body>')), null);
  assert.equal(detectFileType(new Uint8Array()), null);
  assert.equal(detectFileType(bytes([0xff, 0xd8])), null);
  assert.equal(detectFileType(bytes('%PDF')), null);
});

const sample = new URL(
  '../../../../../tests/fixtures/receipts/X51005268400.jpg',
  import.meta.url,
);
Deno.test('file type - a real scanned receipt is a JPEG', async () => {
  const file = await Deno.readFile(sample);
  assert.equal(detectFileType(file.subarray(0, 32))?.mime, 'image/jpeg');
});
