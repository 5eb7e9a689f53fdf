import assert from 'node:assert/strict';
import { createLogger } from '../log/logger.ts';
import { traceMessage } from './trace.ts';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({ sink: (l) => lines.push(JSON.parse(l)) });
  return { lines, log: (m: string, e?: Record<string, unknown>) => logger.info(m, e) };
}

Deno.test('trace - every line written during the work and the closing line carry the correlation id, ids and duration', async () => {
  const { lines, log } = capture();
  let t = 100;
  const result = await traceMessage(
    'req-0123456789',
    { receipt_id: 'r-1', msg_id: '7' },
    log,
    async () => {
      await Promise.resolve();
      log('receipt extracted', { receipt_id: 'r-1' }); // a nested line: no id passed by hand
      t += 42.5;
      return { outcome: 'done' };
    },
    () => t,
  );
  assert.equal(result.outcome, 'done');
  assert.equal(lines.length, 2);
  assert.equal(lines[0].correlation_id, 'req-0123456789');
  assert.deepEqual(
    { ...lines[1], ts: undefined },
    {
      ts: undefined,
      level: 'info',
      msg: 'message processed',
      correlation_id: 'req-0123456789',
      receipt_id: 'r-1',
      msg_id: '7',
      outcome: 'done',
      duration_ms: 42.5,
    },
  );
});

Deno.test('trace - a failed outcome logs its error; a throw logs and rethrows', async () => {
  const { lines, log } = capture();
  await traceMessage(
    'req-0123456789',
    { webhook_event_id: 3 },
    log,
    () => Promise.resolve({ outcome: 'retry', error: 'timeout' }),
  );
  assert.equal(lines[0].outcome, 'retry');
  assert.equal(lines[0].error, 'timeout');
  await assert.rejects(
    traceMessage(
      'req-0123456789',
      { webhook_event_id: 4 },
      log,
      () => Promise.reject(new Error('boom')),
    ),
    /boom/,
  );
  assert.equal(lines[1].msg, 'message failed');
  assert.equal(lines[1].correlation_id, 'req-0123456789');
  assert.equal(typeof lines[1].duration_ms, 'number');
});

Deno.test('trace - without a usable correlation id nothing is invented', async () => {
  const { lines, log } = capture();
  await traceMessage(null, { msg_id: '1' }, log, () => Promise.resolve({ outcome: 'done' }));
  await traceMessage(
    'bad id with spaces',
    { msg_id: '2' },
    log,
    () => Promise.resolve({ outcome: 'done' }),
  );
  assert.equal('correlation_id' in lines[0], false);
  assert.equal('correlation_id' in lines[1], false);
});
