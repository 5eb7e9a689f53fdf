import assert from 'node:assert/strict';
import { currentCorrelationId } from './context.ts';
import { CORRELATION_HEADER, withCorrelation } from './correlation.ts';
import { createLogger } from './logger.ts';
import { errorResponse } from '../http/errors.ts';

Deno.test('withCorrelation - the id is current across awaits, in logs and 500 bodies, and echoed', async () => {
  const lines: Record<string, unknown>[] = [];
  const log = createLogger({ sink: (l) => lines.push(JSON.parse(l)) });
  const handler = withCorrelation(async () => {
    await new Promise((r) => setTimeout(r, 5));
    log.info('inside');
    assert.equal(currentCorrelationId(), 'caller-id-0001');
    return errorResponse(new Error('boom'), () => {});
  });
  const res = await handler(
    new Request('http://local/x', { headers: { 'x-correlation-id': 'caller-id-0001' } }),
  );
  assert.equal(res.headers.get(CORRELATION_HEADER), 'caller-id-0001');
  assert.equal((await res.json()).correlation_id, 'caller-id-0001');
  assert.equal(lines[0].correlation_id, 'caller-id-0001');
  assert.equal(currentCorrelationId(), undefined, 'nothing leaks outside the request');
});

Deno.test('withCorrelation - concurrent requests keep their own ids', async () => {
  const seen: string[] = [];
  const handler = withCorrelation(async (req) => {
    await new Promise((r) => setTimeout(r, Number(new URL(req.url).searchParams.get('wait'))));
    seen.push(`${new URL(req.url).searchParams.get('n')}:${currentCorrelationId()}`);
    return new Response('ok');
  });
  await Promise.all([
    handler(
      new Request('http://l/?n=a&wait=20', { headers: { 'x-correlation-id': 'id-aaaaaaaa' } }),
    ),
    handler(
      new Request('http://l/?n=b&wait=1', { headers: { 'x-correlation-id': 'id-bbbbbbbb' } }),
    ),
  ]);
  assert.deepEqual(seen.sort(), ['a:id-aaaaaaaa', 'b:id-bbbbbbbb']);
});
