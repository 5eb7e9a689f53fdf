import assert from 'node:assert/strict';
import { createLogger } from './logger.ts';
import { CORRELATION_HEADER, correlationIdFrom, withCorrelationHeader } from './correlation.ts';

const capture = () => {
  const lines: Record<string, unknown>[] = [];
  return { lines, sink: (line: string) => lines.push(JSON.parse(line)) };
};
const fixedNow = () => new Date('2026-11-28T12:00:00.000Z');

Deno.test('logger - one JSON object per line with level, message and bound fields', () => {
  const { lines, sink } = capture();
  const log = createLogger({ sink, now: fixedNow }).child({ correlation_id: 'req-12345678' });
  log.info('Receipt settled', { receipt_id: 'r1' });
  assert.deepEqual(lines, [{
    ts: '2026-11-28T12:00:00.000Z',
    level: 'info',
    msg: 'Receipt settled',
    correlation_id: 'req-12345678',
    receipt_id: 'r1',
  }]);
});

Deno.test('logger - below the minimum level nothing is written', () => {
  const { lines, sink } = capture();
  const log = createLogger({ sink, level: 'warn' });
  log.info('quiet');
  log.debug('quieter');
  log.warn('loud');
  assert.deepEqual(lines.map((l) => l.msg), ['loud']);
});

Deno.test('logger - message and fields are scrubbed before they are written', () => {
  const { lines, sink } = capture();
  createLogger({ sink }).error('Upload by dave@example.com failed', {
    error: new Error('card 4111 1111 1111 1111 rejected'),
    authorization: 'Bearer secret-token-value',
  });
  const text = JSON.stringify(lines);
  assert.ok(!text.includes('dave@example.com'));
  assert.ok(!text.includes('4111'));
  assert.ok(!text.includes('secret-token-value'));
  assert.equal(lines[0].msg, 'Upload by [email] failed');
});

Deno.test('logger - timed logs duration_ms on success and the error on failure', async () => {
  const { lines, sink } = capture();
  const log = createLogger({ sink });
  assert.equal(await log.timed('ocr', () => Promise.resolve(7), { receipt_id: 'r2' }), 7);
  await assert.rejects(log.timed('settle', () => Promise.reject(new Error('boom'))), /boom/);
  assert.equal(lines[0].level, 'info');
  assert.equal(typeof lines[0].duration_ms, 'number');
  assert.equal(lines[0].receipt_id, 'r2');
  assert.equal(lines[1].level, 'error');
  assert.deepEqual(lines[1].error, { name: 'Error', message: 'boom' });
});

Deno.test('correlationIdFrom - takes a sane header, else makes one', () => {
  const made = () => 'made-0000000001';
  assert.equal(
    correlationIdFrom(new Headers({ 'x-correlation-id': 'abc-DEF_123.45' }), made),
    'abc-DEF_123.45',
  );
  assert.equal(
    correlationIdFrom(new Headers({ 'x-request-id': 'req:00000042' }), made),
    'req:00000042',
  );
  assert.equal(
    correlationIdFrom(new Headers({ 'x-correlation-id': 'has spaces <script>' }), made),
    made(),
  );
  assert.equal(
    correlationIdFrom(new Headers({ 'x-correlation-id': 'x'.repeat(200) }), made),
    made(),
  );
  assert.equal(correlationIdFrom(new Headers(), made), made());
});

Deno.test('withCorrelationHeader - the response carries the id, body and status unchanged', async () => {
  const res = withCorrelationHeader(new Response('{"a":1}', { status: 201 }), 'cid-12345678');
  assert.equal(res.status, 201);
  assert.equal(res.headers.get(CORRELATION_HEADER), 'cid-12345678');
  assert.equal(await res.text(), '{"a":1}');
});
