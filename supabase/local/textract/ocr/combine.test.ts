import assert from 'node:assert/strict';
import type { OcrLine, OcrPage } from '../../../functions/_shared/receipts/parser/ocr-types.ts';
import { chooseWord, combinePages, mergeWords, verticalOffset } from './combine.ts';

/** A line at `top` whose words share its box proportionally (tesseract-like word boxes). */
function line(text: string, top: number, conf = 95, left = 0.1, height = 0.01): OcrLine {
  const width = 0.8;
  const words = [...text.matchAll(/\S+/g)].map((m) => ({
    text: m[0],
    confidence: conf,
    bbox: {
      left: left + (width * (m.index ?? 0)) / text.length,
      top,
      width: (width * m[0].length) / text.length,
      height,
    },
  }));
  return { text, confidence: conf, bbox: { left, top, width, height }, words };
}

function page(lines: OcrLine[]): OcrPage {
  return { width: 1000, height: 2000, lines };
}

Deno.test('mergeWords - tesseract word breaks go into a glued Paddle line', () => {
  assert.equal(
    mergeWords('UNIHAKKAINTERNATIONALSDNBHD', [
      { text: 'UNIHAKKA', confidence: 92 },
      { text: 'INTERNATIONAL', confidence: 96 },
      { text: 'SDN', confidence: 95 },
      { text: 'BHD', confidence: 95 },
    ]),
    'UNIHAKKA INTERNATIONAL SDN BHD',
  );
});

Deno.test('mergeWords - no break is put inside a number', () => {
  assert.equal(
    mergeWords('Tel:+6012-9187937', [
      { text: 'Tel:', confidence: 90 },
      { text: '+6012-918', confidence: 90 },
      { text: '7937', confidence: 90 },
    ]),
    'Tel: +6012-9187937',
  );
});

Deno.test('mergeWords - readings too different to align leave the Paddle line as it is', () => {
  assert.equal(mergeWords('TOTAL 12.00', [{ text: 'wii oa tha', confidence: 90 }]), 'TOTAL 12.00');
});

Deno.test('chooseWord - the all-letter reading beats digits mixed into a word', () => {
  assert.equal(chooseWord('Selango1,', 'Selangor.', 90), 'Selangor,');
  assert.equal(chooseWord('Chera9', 'Cheras', 85), 'Cheras');
});

Deno.test('chooseWord - the digit reading beats look-alike letters in a number', () => {
  assert.equal(chooseWord('433OO', '43300', 90), '43300');
  assert.equal(chooseWord('S02oo', '50200', 90), '50200');
});

Deno.test('chooseWord - letters Paddle dropped are taken from tesseract', () => {
  assert.equal(chooseWord('STATONERY', 'STATIONERY', 80), 'STATIONERY');
});

Deno.test("chooseWord - otherwise, or when tesseract is unsure, Paddle's reading stays", () => {
  assert.equal(chooseWord('SANYU', 'SANYO', 95), 'SANYU', 'a substitution is not evidence');
  assert.equal(chooseWord('Selango1', 'Selangor', 40), 'Selango1', 'low confidence');
  assert.equal(chooseWord('U13/X', 'UI3/X', 95), 'U13/X', 'codes keep their digits');
});

Deno.test("verticalOffset - the page-wide shift between the engines' boxes is measured", () => {
  const p = [line('SUNRISE BAKERY', 0.106), line('JALAN MAWAR 3', 0.126)];
  const t = [line('SUNRISE BAKERY', 0.100), line('JALAN MAWAR 3', 0.120)];
  assert.ok(Math.abs(verticalOffset(p, t) - 0.006) < 1e-9);
});

Deno.test('combinePages - words are matched to Paddle lines despite a vertical shift', () => {
  // Tesseract's boxes sit 0.007 higher: by raw overlap its words would miss the Paddle line.
  const paddle = page([
    line('SUNRISEBAKERYSDNBHD', 0.107),
    line('12,JALANMAWAR3', 0.127),
    line('81200JOHORBAHRU', 0.147),
  ]);
  const tess = page([
    line('SUNRISE BAKERY SDN BHD', 0.100),
    line('12, JALAN MAWAR 3', 0.120),
    line('81200 JOHOR BAHRU', 0.140),
  ]);
  const c = combinePages(paddle, tess);
  assert.deepEqual(c.lines.map((l) => l.text), [
    'SUNRISE BAKERY SDN BHD',
    '12, JALAN MAWAR 3',
    '81200 JOHOR BAHRU',
  ]);
  assert.equal(c.engine, 'combined');
  assert.deepEqual(c.alternatives, [paddle, tess]);
});

Deno.test('combinePages - a confident line only tesseract read is added in reading order', () => {
  const paddle = page([line('KEDAI RUNCIT MAJU', 0.1), line('TOTAL 5.00', 0.3)]);
  const tess = page([
    line('KEDAI RUNCIT MAJU', 0.1),
    line('JALAN PERMAS UTARA 1', 0.2, 93),
    line('ee a Rea TS', 0.25, 40),
    line('TOTAL 5.00', 0.3),
  ]);
  assert.deepEqual(combinePages(paddle, tess).lines.map((l) => l.text), [
    'KEDAI RUNCIT MAJU',
    'JALAN PERMAS UTARA 1',
    'TOTAL 5.00',
  ]);
});

Deno.test('combinePages - low-confidence tesseract noise puts no break inside a word', () => {
  const paddle = page([line('CHECKERS HYPERMARKET SDN BHD', 0.2)]);
  const t = line('CHECKERS ke SEN BHD', 0.2, 90);
  t.words[1].confidence = 23;
  assert.equal(combinePages(paddle, page([t])).lines[0].text, 'CHECKERS HYPERMARKET SDN BHD');
});
