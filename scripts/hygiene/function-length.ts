// Hygiene check (scripts/test.sh): no function in supabase/functions is longer than 120 lines,
// counted from its first to its last line (nested functions count toward the one around them).
// Run: node_modules/.bin/deno test -A --quiet scripts/hygiene/function-length.ts
import assert from 'node:assert/strict';
import { fromRoot, functionSources } from './source-files.ts';

export const MAX_FUNCTION_LINES = 120;

type FunctionNode = Deno.lint.Node & { range: [number, number] };

/** A lint plugin that reports every function longer than `max` lines, with its length. */
export function functionLengthPlugin(max: number): Deno.lint.Plugin {
  return {
    name: 'tallyq-hygiene',
    rules: {
      'max-function-lines': {
        create(context) {
          const check = (node: FunctionNode) => {
            const [start, end] = node.range;
            const lines = context.sourceCode.text.slice(start, end).split('\n').length;
            if (lines > max) context.report({ node, message: String(lines) });
          };
          return {
            FunctionDeclaration: check,
            FunctionExpression: check,
            ArrowFunctionExpression: check,
          };
        },
      },
    },
  };
}

/** `file:line (N lines)` for each function over the limit in `source`. */
export function longFunctions(file: string, source: string, max = MAX_FUNCTION_LINES): string[] {
  return Deno.lint.runPlugin(functionLengthPlugin(max), file, source).map((d) => {
    const line = source.slice(0, d.range[0]).split('\n').length;
    return `${file}:${line} (${d.message} lines)`;
  });
}

Deno.test('hygiene - the length check finds a long function and passes short ones', () => {
  const body = (n: number) =>
    Array.from({ length: n }, (_, i) => `  const v${i} = ${i};`).join('\n');
  const source = `export function long() {\n${body(119)}\n}\nconst short = () => {\n${
    body(118)
  }\n};\n`;
  assert.deepEqual(longFunctions('x.ts', source), ['x.ts:1 (121 lines)']);
});

Deno.test(`hygiene - no function in supabase/functions is longer than ${MAX_FUNCTION_LINES} lines`, async () => {
  const offenders: string[] = [];
  for await (const path of functionSources()) {
    offenders.push(...longFunctions(fromRoot(path), await Deno.readTextFile(path)));
  }
  assert.deepEqual(offenders, []);
});
