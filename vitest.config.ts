// End-to-end tests over HTTP (tests/e2e) and in a real browser (tests/browser) against the running
// test stack (scripts/test.sh loads its env), and the web app's pure modules (app/src/*.test.ts).
// Files run one after another: they share one stack, one queue and one worker.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts', 'app/src/**/*.test.ts', 'app/build/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
