// The build's size check: the app's own code (every module outside node_modules, and the CSS)
// gzipped must stay under its budget, or the build fails. The whole bundle's size is printed too.
import { gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';

export const OWN_CODE_BUDGET_BYTES = 200 * 1024;

export function sizeBudget(budget: number): Plugin {
  return {
    name: 'tallyq-size-budget',
    apply: 'build',
    generateBundle(_options, bundle) {
      let own = '';
      let total = 0;
      for (const file of Object.values(bundle)) {
        if (file.type === 'chunk') {
          total += gzipSync(file.code).length;
          for (const [id, mod] of Object.entries(file.modules)) {
            if (!id.includes('/node_modules/')) own += mod.code ?? '';
          }
        } else if (file.fileName.endsWith('.css')) {
          const text = typeof file.source === 'string'
            ? file.source
            : new TextDecoder().decode(file.source);
          total += gzipSync(text).length;
          own += text;
        }
      }
      const ownGz = gzipSync(own).length;
      const kb = (n: number) => `${(n / 1024).toFixed(1)} kB`;
      this.info(
        `app's own code ${kb(ownGz)} gzipped (budget ${kb(budget)}); whole bundle ${
          kb(total)
        } gzipped`,
      );
      if (ownGz > budget) {
        this.error(`the app's own code is ${kb(ownGz)} gzipped, over its ${kb(budget)} budget`);
      }
    },
  };
}
