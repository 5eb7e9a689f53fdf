import assert from 'node:assert/strict';
import { sampleBuffer } from './samples.ts';
import { timedTextract } from '../textract/timed.ts';
import type { TextractClient } from '../textract/client.ts';

Deno.test('sampleBuffer - one write per metric per flush, then empty', async () => {
  const writes: [string, number[]][] = [];
  const buffer = sampleBuffer((m, v) => Promise.resolve(writes.push([m, v])));
  buffer.add('textract_ms', 10);
  buffer.add('textract_ms', 20);
  buffer.add('settle_ms', 5);
  buffer.add('settle_ms', Number.NaN);
  await buffer.flush();
  await buffer.flush();
  assert.deepEqual(writes, [['textract_ms', [10, 20]], ['settle_ms', [5]]]);
});

Deno.test('sampleBuffer - bounded per metric', async () => {
  const writes: number[][] = [];
  const buffer = sampleBuffer((_m, v) => Promise.resolve(writes.push(v)), 3);
  for (let i = 0; i < 10; i++) buffer.add('x', i);
  await buffer.flush();
  assert.deepEqual(writes, [[0, 1, 2]]);
});

Deno.test('timedTextract - observes successful and failed calls, results unchanged', async () => {
  const seen: [string, number][] = [];
  const fake = {
    config: {},
    analyzeExpense: () => new Promise((r) => setTimeout(() => r({ ExpenseDocuments: [] }), 20)),
    detectDocumentText: () => Promise.reject(new Error('throttled')),
    startExpenseAnalysis: () => Promise.resolve('job-1'),
    getExpenseAnalysis: () => Promise.resolve({ JobStatus: 'SUCCEEDED' }),
    call: () => Promise.resolve({}),
  } as unknown as TextractClient;
  const client = timedTextract(fake, (ms, op) => seen.push([op, ms]));
  assert.deepEqual(await client.analyzeExpense(new Uint8Array()), { ExpenseDocuments: [] });
  await assert.rejects(client.detectDocumentText(new Uint8Array()), /throttled/);
  assert.equal(await client.startExpenseAnalysis({ bytes: new Uint8Array() }), 'job-1');
  assert.deepEqual(seen.map(([op]) => op), [
    'AnalyzeExpense',
    'DetectDocumentText',
    'StartExpenseAnalysis',
  ]);
  assert.ok(seen[0][1] >= 15, `the 20 ms call measured ${seen[0][1]} ms`);
});
