// End-to-end tests over HTTP against the running test stack (scripts/test.sh loads its env).
// Files run one after another: they share one stack, one queue and one worker.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts', 'app/src/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
