import { describe, expect, it } from 'vitest';
import { backoffDelay, startPolling, type Timers } from './backoff.ts';

const exact = { initialMs: 1000, maxMs: 15000, factor: 2, jitter: 0 };

/** A clock the test advances by hand: run() fires the one pending timer. */
function fakeTimers() {
  let pending: { fn: () => void; ms: number } | null = null;
  const delays: number[] = [];
  const timers: Timers = {
    set: (fn, ms) => {
      pending = { fn, ms };
      delays.push(ms);
      return pending;
    },
    clear: (id) => {
      if (pending === id) pending = null;
    },
  };
  return {
    timers,
    delays,
    get pending() {
      return pending;
    },
    async fire() {
      const p = pending;
      pending = null;
      p?.fn();
      await new Promise((r) => setTimeout(r, 0));
    },
  };
}

describe('app - polling backoff', () => {
  it('delays grow by the factor and stop at the cap', () => {
    expect([0, 1, 2, 3, 4, 5].map((n) => backoffDelay(n, exact))).toEqual([
      1000,
      2000,
      4000,
      8000,
      15000,
      15000,
    ]);
  });

  it('jitter stays within its share of the delay and under the cap', () => {
    const opts = { ...exact, jitter: 0.2 };
    expect(backoffDelay(1, opts, () => 0)).toBe(1600);
    expect(backoffDelay(1, opts, () => 1)).toBe(2400);
    expect(backoffDelay(10, opts, () => 1)).toBe(15000);
  });

  it('backs off while nothing changes, resets on a change, and stops when told', async () => {
    const clock = fakeTimers();
    const answers: ('changed' | 'same' | 'stop')[] = ['same', 'same', 'changed', 'same', 'stop'];
    let calls = 0;
    startPolling(() => Promise.resolve(answers[calls++]), exact, clock.timers);
    for (let i = 0; i < answers.length; i++) await clock.fire();
    expect(calls).toBe(5);
    // first poll after 1 s; then 2 s, 4 s (two unchanged); reset to 1 s after the change; 2 s
    expect(clock.delays).toEqual([1000, 2000, 4000, 1000, 2000]);
    expect(clock.pending).toBeNull(); // 'stop' schedules nothing
  });

  it('a failing poll backs off instead of stopping', async () => {
    const clock = fakeTimers();
    let calls = 0;
    startPolling(
      () => (calls++ === 0 ? Promise.reject(new Error('down')) : Promise.resolve('stop' as const)),
      exact,
      clock.timers,
    );
    await clock.fire();
    expect(clock.delays).toEqual([1000, 2000]);
    await clock.fire();
    expect(calls).toBe(2);
  });

  it('poke polls at once and stop cancels the next poll', async () => {
    const clock = fakeTimers();
    let calls = 0;
    const poll = startPolling(
      () => (calls++, Promise.resolve('same' as const)),
      exact,
      clock.timers,
    );
    poll.poke();
    expect(clock.delays.at(-1)).toBe(0);
    await clock.fire();
    expect(calls).toBe(1);
    poll.stop();
    expect(clock.pending).toBeNull();
  });
});
