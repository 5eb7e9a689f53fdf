import assert from 'node:assert/strict';
import { ibanValid, luhnValid, scrub, scrubText } from './scrub.ts';

// Positive corpus: each input must lose the personal or secret part and show the marker.
const POSITIVE: [string, string, string][] = [
  ['email', 'user jane.doe+receipts@example.co.uk signed in', '[email]'],
  ['email', 'ALICE@EXAMPLE.COM', '[email]'],
  ['phone', 'call +60 12-345 6789 today', '[phone]'],
  ['phone', 'US: +1 (555) 123-4567', '[phone]'],
  ['phone', 'UK +44 20 7946 0958', '[phone]'],
  ['phone', 'tel +491701234567', '[phone]'],
  ['phone', 'office (555) 123-4567', '[phone]'],
  ['phone', 'mobile 012-345 6789', '[phone]'],
  ['card', 'card 4111 1111 1111 1111 declined', '[card]'],
  ['card', 'pan=5500-0000-0000-0004', '[card]'],
  ['card', 'amex 378282246310005', '[card]'],
  ['card', 'visa 4242424242424242 ok', '[card]'],
  ['iban', 'pay to GB82 WEST 1234 5698 7654 32 please', '[iban]'],
  ['iban', 'DE89370400440532013000', '[iban]'],
  ['iban', 'FR1420041010050500013M02606', '[iban]'],
  ['bearer', 'Authorization: Bearer abc.DEF-123_456xyz', 'Bearer [token]'],
  [
    'jwt',
    'token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
    '[jwt]',
  ],
  ['stripe key', 'using sk_live_4eC39HqLyjWDarjtT1zdp7dc', '[api_key]'],
  ['webhook secret', 'secret whsec_abcdef0123456789', '[api_key]'],
  ['supabase key', 'sb_secret_N7UND0UgjKTVK-Uodkm0Hg_xSvEMPvz', '[api_key]'],
  ['aws key', 'AKIAIOSFODNN7EXAMPLE used', '[api_key]'],
  ['github token', 'ghp_1234567890abcdefghijABCDEFGHIJ123456', '[api_key]'],
  ['assignment', 'api_key=9f8e7d6c5b4a', 'api_key=[secret]'],
  ['assignment', '{"password": "hunter22"}', '"password": "[secret]"'],
];

// Negative corpus: ordinary log content that must pass unchanged.
const NEGATIVE: [string, string][] = [
  ['iso timestamp', 'settled at 2026-11-28T18:39:18.123Z'],
  ['date and time', 'receipt dated 2026-11-28 18:39:18'],
  ['uuid', 'receipt 3f2504e0-4f89-11d3-9a0c-0305e82c3301 done'],
  ['sha256', 'sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08'],
  ['amount', 'total 1,234.56 MYR, tax 74.07'],
  ['duration', 'claimed 10 messages in 1234.5 ms'],
  ['luhn-invalid card-like number', 'order 4111 1111 1111 1112 shipped'],
  ['iban with a wrong checksum', 'ref GB82 WEST 1234 5698 7654 33'],
  ['invoice number', 'invoice INV-2024-000123'],
  ['ip address and port', 'listening on 127.0.0.1:54321'],
  ['http status', 'GET /functions/v1/receipts 200 in 12 ms'],
  ['short number', 'attempt 3 of 5, msg_id 1234567'],
  ['email-like without domain', 'user@localhost'],
  ['the word bearer alone', 'missing Bearer token'],
  ['token count', 'token budget 5 of 10'],
  ['version', 'processor v2026.11.28-1'],
];

for (const [kind, input, marker] of POSITIVE) {
  Deno.test(`scrubText - ${kind}: '${input.slice(0, 40)}' is masked`, () => {
    const out = scrubText(input);
    assert.ok(out.includes(marker), `expected ${marker} in ${out}`);
    assert.notEqual(out, input);
  });
}

for (const [kind, input] of NEGATIVE) {
  Deno.test(`scrubText - ${kind}: left unchanged`, () => {
    assert.equal(scrubText(input), input);
  });
}

Deno.test('luhnValid - accepts test card numbers, rejects one digit off', () => {
  assert.equal(luhnValid('4111111111111111'), true);
  assert.equal(luhnValid('4111111111111112'), false);
});

Deno.test('ibanValid - mod-97 over the rearranged digits', () => {
  assert.equal(ibanValid('GB82WEST12345698765432'), true);
  assert.equal(ibanValid('GB82WEST12345698765433'), false);
  assert.equal(ibanValid('GB82'), false);
});

Deno.test('scrub - sensitive keys are redacted whatever their value, others are scrubbed deeply', () => {
  const out = scrub({
    email: 'anything',
    headers: { authorization: 'Bearer x', 'x-correlation-id': 'abc12345' },
    nested: [{ note: 'mail bob@example.org' }],
    receipt_id: '3f2504e0-4f89-11d3-9a0c-0305e82c3301',
    count: 3,
    missing: null,
  });
  assert.deepEqual(out, {
    email: '[redacted]',
    headers: { authorization: '[redacted]', 'x-correlation-id': 'abc12345' },
    nested: [{ note: 'mail [email]' }],
    receipt_id: '3f2504e0-4f89-11d3-9a0c-0305e82c3301',
    count: 3,
    missing: null,
  });
});

Deno.test('scrub - errors keep their name and a scrubbed message', () => {
  assert.deepEqual(scrub(new TypeError('no user carol@example.com')), {
    name: 'TypeError',
    message: 'no user [email]',
  });
});
