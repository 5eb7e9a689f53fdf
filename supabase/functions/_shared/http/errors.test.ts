import assert from 'node:assert/strict';
import { runWithCorrelationId } from '../log/context.ts';
import { errorResponse, NotFound } from './errors.ts';

/** What `fn` printed with console.log (the logger's default sink). */
function printed(fn: () => void): string[] {
  const lines: string[] = [];
  const original = console.log;
  console.log = (line: string) => lines.push(line);
  try {
    fn();
  } finally {
    console.log = original;
  }
  return lines;
}

Deno.test('errors - an unknown error is an opaque 500, logged as one scrubbed JSON line with the request id', async () => {
  let res: Response | undefined;
  const lines = printed(() => {
    res = runWithCorrelationId(
      'req-0123456789',
      () => errorResponse(new Error('insert failed for alice@example.com')),
    );
  });
  assert.equal(res!.status, 500);
  assert.deepEqual(await res!.json(), {
    error: 'internal_error',
    message: 'Internal error',
    correlation_id: 'req-0123456789',
  });
  assert.equal(lines.length, 1);
  const line = JSON.parse(lines[0]);
  assert.equal(line.level, 'error');
  assert.equal(line.correlation_id, 'req-0123456789');
  assert.match(line.msg, /insert failed for/);
  assert.doesNotMatch(lines[0], /alice@example\.com/);
});

Deno.test('errors - a known error maps to its status and logs nothing', async () => {
  let res: Response | undefined;
  const lines = printed(() => {
    res = errorResponse(new NotFound('Receipt not found', 'receipt_not_found'));
  });
  assert.equal(res!.status, 404);
  assert.deepEqual(await res!.json(), { error: 'receipt_not_found', message: 'Receipt not found' });
  assert.deepEqual(lines, []);
});
