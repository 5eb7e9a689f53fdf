// Builds app/ into app/dist; fails when the app's own code is over its gzipped budget
// (build/size-budget.ts).
import { defineConfig } from 'vite';
import { OWN_CODE_BUDGET_BYTES, sizeBudget } from './build/size-budget.ts';

export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  logLevel: 'info',
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', sourcemap: false },
  plugins: [sizeBudget(OWN_CODE_BUDGET_BYTES)],
});
