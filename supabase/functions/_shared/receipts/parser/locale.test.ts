import assert from 'node:assert/strict';
import { toLines } from './lines.ts';
import { dateOrderLocale, guessLocale, monthFirstLocale } from './locale.ts';

const lines = (text: string) =>
  toLines(
    text.trim().split('\n').map((t) => ({
      text: t.trim(),
      confidence: 95,
      bbox: { left: 0, top: 0, width: 1, height: 0.02 },
      words: [],
    })),
  );

Deno.test('guessLocale - a US state + ZIP line and a (xxx) phone say en-US, confidently', () => {
  const g = guessLocale(
    lines('CORNER STORE\n12 Main Street\nSpringfield, IL 62704\n(217) 555-0142\nTOTAL $4.00'),
  );
  assert.equal(g?.value, 'en-US');
  assert.ok((g?.confidence ?? 0) >= 0.9, `confidence ${g?.confidence}`);
  assert.deepEqual(g?.lines, [2, 3, 4]);
});

Deno.test('guessLocale - ringgit and Sdn Bhd say en-MY; pesos and VAT REG TIN say en-PH', () => {
  assert.equal(guessLocale(lines('KEDAI ABC SDN BHD\nTOTAL RM 4.00'))?.value, 'en-MY');
  assert.equal(
    guessLocale(lines('BAKERY CORP\nVAT REG TIN 000-111-222-000\nTOTAL ₱50.00'))?.value,
    'en-PH',
  );
  assert.equal(guessLocale(lines('PRINT LTD\nBristol BS1 4RN\nTotal £12.00'))?.value, 'en-GB');
  assert.equal(
    guessLocale(lines('IT SERVICES INC\nToronto, ON M5V 1P7\nHST 13% 1.30'))?.value,
    'en-CA',
  );
});

Deno.test('guessLocale - one weak sign gives low confidence; none, or a tie, gives null', () => {
  const weak = guessLocale(lines('SHOP\nTOTAL $4.00'));
  assert.equal(weak?.value, 'en-US');
  assert.ok((weak?.confidence ?? 1) < 0.5, `confidence ${weak?.confidence}`);
  assert.equal(guessLocale(lines('SHOP\nTOTAL 4.00')), null);
  assert.equal(guessLocale(lines('SHOP SDN BHD\nPRINT PTE LTD')), null, 'MY and SG tie');
});

Deno.test('guessLocale - words merely containing a state code are no US address', () => {
  assert.equal(guessLocale(lines('KEDAI MAJU\nNO 12 JALAN OR 43000 KAJANG\nTOTAL 4.00')), null);
});

Deno.test('monthFirstLocale - US and PH are month-first, Canada undecided, others day-first', () => {
  assert.equal(monthFirstLocale('en-US'), true);
  assert.equal(monthFirstLocale('en-PH'), true);
  assert.equal(monthFirstLocale('en-CA'), null);
  assert.equal(monthFirstLocale('en-MY'), false);
  assert.equal(monthFirstLocale('de-DE'), false);
  assert.equal(monthFirstLocale(null), null);
});

Deno.test('dateOrderLocale - the receipt region wins when fairly sure, else the caller locale', () => {
  const us = { value: 'en-US', confidence: 0.9, lines: [] };
  assert.equal(dateOrderLocale(us, 'en-GB'), 'en-US');
  assert.equal(dateOrderLocale({ ...us, confidence: 0.3 }, 'en-GB'), 'en-GB');
  assert.equal(dateOrderLocale({ value: 'en-CA', confidence: 1, lines: [] }, 'en-US'), 'en-US');
  assert.equal(dateOrderLocale(null, undefined), undefined);
});
