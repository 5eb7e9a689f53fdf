// The size budget is a real build step: a real Vite build of the app passes under the budget and
// fails over it.
import { build } from 'vite';
import { describe, expect, it } from 'vitest';
import { OWN_CODE_BUDGET_BYTES, sizeBudget } from './size-budget.ts';

const root = new URL('..', import.meta.url).pathname;

const buildWith = (budget: number) =>
  build({
    root,
    configFile: false,
    logLevel: 'silent',
    build: { write: false, target: 'es2022' },
    plugins: [sizeBudget(budget)],
  });

describe('app - size budget in the build', { timeout: 120_000 }, () => {
  it('the app builds under its budget', async () => {
    await expect(buildWith(OWN_CODE_BUDGET_BYTES)).resolves.toBeDefined();
  });

  it('the same build fails when its own code is over the budget', async () => {
    await expect(buildWith(1024)).rejects.toThrow(
      /the app's own code is [\d.]+ kB gzipped, over its 1\.0 kB budget/,
    );
  });
});
