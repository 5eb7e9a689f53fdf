import assert from 'node:assert/strict';
import { FaultInjector } from './faults.ts';

Deno.test('faults - none unless configured', () => {
  assert.equal(FaultInjector.fromEnv(undefined).next('AnalyzeExpense'), null);
  assert.equal(FaultInjector.fromEnv('').next('AnalyzeExpense'), null);
});

Deno.test('faults - "throttle twice" answers two throttles then nothing', () => {
  const f = FaultInjector.fromEnv('[{"fault":"throttle","times":2}]');
  const a = f.next('AnalyzeExpense');
  assert.deepEqual(a, {
    kind: 'respond',
    status: 400,
    type: 'ThrottlingException',
    message: 'Rate exceeded',
  });
  assert.equal(f.next('DetectDocumentText')?.kind, 'respond');
  assert.equal(f.next('AnalyzeExpense'), null);
});

Deno.test('faults - rules scoped to an operation skip the others, in order', () => {
  const f = FaultInjector.fromEnv(JSON.stringify({
    rules: [
      { fault: 'server_error', operation: 'GetExpenseAnalysis' },
      { fault: 'delay', ms: 5 },
      { fault: 'malformed' },
    ],
  }));
  assert.deepEqual(f.next('AnalyzeExpense'), { kind: 'delay', ms: 5 });
  assert.deepEqual(f.next('GetExpenseAnalysis'), {
    kind: 'respond',
    status: 500,
    type: 'InternalServerError',
    message: 'Amazon Textract experienced a service issue. Try your call again.',
  });
  assert.deepEqual(f.next('AnalyzeExpense'), { kind: 'malformed' });
  assert.deepEqual(f.list(), []);
});

Deno.test('faults - invalid TEXTRACT_FAULTS fails fast naming the variable', () => {
  assert.throws(() => FaultInjector.fromEnv('{'), /TEXTRACT_FAULTS must be JSON/);
  assert.throws(() => FaultInjector.fromEnv('[{"fault":"explode"}]'), /TEXTRACT_FAULTS is invalid/);
});
