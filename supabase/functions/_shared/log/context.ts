// The request's correlation id, available to everything that runs for the request (the database
// helpers set it as tallyq.correlation_id, the logger adds it to every line) without threading
// it through every call. AsyncLocalStorage follows awaits, timers and promise chains.
import { AsyncLocalStorage } from 'node:async_hooks';

const storage = new AsyncLocalStorage<{ correlationId: string }>();

export function runWithCorrelationId<T>(correlationId: string, fn: () => T): T {
  return storage.run({ correlationId }, fn);
}

/** The correlation id of the request being served, or undefined outside one. */
export function currentCorrelationId(): string | undefined {
  return storage.getStore()?.correlationId;
}
