// Decorates a Textract client so every operation reports how long it took as the worker sees it
// (governor wait and in-call retries included): the textract_ms metric's p50/p95.
import type { TextractClient } from './client.ts';

export function timedTextract(
  client: TextractClient,
  observe: (ms: number, op: string) => void,
): TextractClient {
  const timed =
    <A extends unknown[], R>(op: string, fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      const started = performance.now();
      try {
        return await fn(...args);
      } finally {
        observe(performance.now() - started, op);
      }
    };
  return {
    config: client.config,
    analyzeExpense: timed('AnalyzeExpense', client.analyzeExpense),
    detectDocumentText: timed('DetectDocumentText', client.detectDocumentText),
    startExpenseAnalysis: timed('StartExpenseAnalysis', client.startExpenseAnalysis),
    getExpenseAnalysis: timed('GetExpenseAnalysis', client.getExpenseAnalysis),
    call: client.call,
  };
}
