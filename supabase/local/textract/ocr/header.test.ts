import assert from 'node:assert/strict';
import type { OcrLine, OcrPage } from '../../../functions/_shared/receipts/ocr-types.ts';
import { fromCrop, headerRegion, withHeader } from './header.ts';

function line(text: string, top: number, conf = 90, height = 0.02): OcrLine {
  const words = [...text.matchAll(/\S+/g)].map((m) => ({
    text: m[0],
    confidence: conf,
    bbox: { left: 0.1 + (m.index ?? 0) / 100, top, width: m[0].length / 100, height },
  }));
  return { text, confidence: conf, bbox: { left: 0.1, top, width: 0.8, height }, words };
}

function page(lines: OcrLine[]): OcrPage {
  return { width: 1000, height: 2000, lines };
}

Deno.test('headerRegion ends above the first line with a date or an amount', () => {
  const r = headerRegion(page([
    line('ABC TRADING SDN BHD', 0.1),
    line('12 JALAN MAWAR 50000 KUALA LUMPUR', 0.13),
    line('TEL 03-1234 5678', 0.16),
    line('DATE 01/02/2018', 0.2),
    line('TOTAL 12.50', 0.5),
  ]));
  assert.ok(r);
  assert.equal(r.bottom, 0.2);
  assert.ok(r.top < 0.1 && r.top >= 0.07);
});

Deno.test('headerRegion never spans more than 45 % of the page', () => {
  const lines = Array.from({ length: 30 }, (_, k) => line(`ITEM NAME ${k}`, 0.02 + k * 0.03));
  const r = headerRegion(page(lines));
  assert.ok(r);
  assert.ok(r.bottom - r.top <= 0.45 + 1e-9);
});

Deno.test('headerRegion gives up on a page with too few lines', () => {
  assert.equal(headerRegion(page([line('ABC', 0.1), line('12.00', 0.2)])), null);
});

Deno.test('fromCrop maps crop fractions back to page fractions', () => {
  const crop = page([line('ABC TRADING', 0.5, 90, 0.1)]);
  const p = fromCrop(crop, { top: 0.2, bottom: 0.4 }, page([]));
  assert.ok(Math.abs(p.lines[0].bbox.top - 0.3) < 1e-9);
  assert.ok(Math.abs(p.lines[0].bbox.height - 0.02) < 1e-9);
  assert.ok(Math.abs(p.lines[0].words[0].bbox.top - 0.3) < 1e-9);
});

Deno.test('withHeader swaps in the more confident reading of the band only', () => {
  const region = { top: 0.05, bottom: 0.2 };
  const full = page([line('A8C TRAD1NG', 0.1, 60), line('TOTAL 12.50', 0.5, 95)]);
  const better = page([line('ABC TRADING', 0.1, 92)]);
  const out = withHeader(full, better, region);
  assert.deepEqual(out.lines.map((l) => l.text), ['ABC TRADING', 'TOTAL 12.50']);
  const worse = page([line('ABC TRADING', 0.1, 40)]);
  assert.equal(withHeader(full, worse, region), full);
});

Deno.test('withHeader keeps the full reading when the re-read lost most of the text', () => {
  const region = { top: 0.05, bottom: 0.2 };
  const full = page([line('ABC TRADING SDN BHD', 0.1, 60), line('JALAN MAWAR', 0.14, 60)]);
  const short = page([line('ABC', 0.1, 99)]);
  assert.equal(withHeader(full, short, region), full);
});
