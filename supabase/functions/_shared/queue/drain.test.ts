import assert from 'node:assert/strict';
import { drainQueue } from './drain.ts';

/** A queue whose messages become visible at given times on a fake clock. */
function fakeQueue(visibleAt: number[], clock: { t: number }) {
  const pending = visibleAt.map((at, id) => ({ id, at, polls: 0 }));
  return {
    claims: 0,
    pending,
    claim() {
      this.claims++;
      return Promise.resolve(pending.filter((m) => m.at <= clock.t));
    },
  };
}

Deno.test('drain - a deferred message (running job) is claimed again when due, not left to the sweep', async () => {
  const clock = { t: 0 };
  const q = fakeQueue([0], clock);
  const slept: number[] = [];
  const summary = await drainQueue<{ id: number; at: number; polls: number }, string>(
    {
      claim: () => q.claim(),
      // first look: the job is still running, look again in 5 s; second look: done
      work: (batch) => Promise.resolve(batch.map((m) => (++m.polls === 1 ? 'wait' : 'done'))),
      settle: (batch, outcomes) => {
        batch.forEach((m, i) => {
          if (outcomes[i] === 'wait') m.at = clock.t + 5000;
          else q.pending.splice(q.pending.indexOf(m), 1);
        });
        return Promise.resolve({ [outcomes[0]]: batch.length });
      },
      revisitAfterMs: (outcomes) => outcomes.includes('wait') ? 5000 : null,
    },
    60_000,
    () => clock.t,
    (ms) => {
      slept.push(ms);
      clock.t += ms;
      return Promise.resolve();
    },
  );
  assert.deepEqual(slept, [5000]);
  assert.deepEqual(summary.outcomes, { wait: 1, done: 1 });
  assert.equal(summary.stopped, 'empty');
  assert.equal(q.pending.length, 0);
});

Deno.test('drain - deferred work due after the budget: stops instead of sleeping', async () => {
  const clock = { t: 0 };
  const slept: number[] = [];
  const summary = await drainQueue<number, string>(
    {
      claim: (() => {
        let first = true;
        return () => Promise.resolve(first ? (first = false, [1]) : []);
      })(),
      work: () => Promise.resolve(['wait']),
      settle: () => Promise.resolve({ wait: 1 }),
      revisitAfterMs: () => 120_000,
    },
    60_000,
    () => clock.t,
    (ms) => (slept.push(ms), Promise.resolve()),
  );
  assert.deepEqual(slept, []);
  assert.equal(summary.stopped, 'empty');
});
