import assert from 'node:assert/strict';
import { coalescingDrain } from './consumer-handler.ts';
import type { DrainSummary } from './drain.ts';

Deno.test('coalescingDrain - callers during a drain share it, and it looks once more before stopping', async () => {
  let runs = 0;
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const summary = (): DrainSummary => ({
    batches: 0,
    claimed: 0,
    outcomes: {},
    stopped: 'empty',
    elapsed_ms: 0,
  });
  const drain = coalescingDrain(async () => {
    runs++;
    if (runs === 1) await gate;
    return summary();
  });
  const first = drain();
  const second = drain();
  assert.equal(first, second);
  release();
  await first;
  assert.equal(runs, 2);
  await drain();
  assert.equal(runs, 3);
});
