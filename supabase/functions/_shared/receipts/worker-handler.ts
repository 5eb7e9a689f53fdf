// POST /functions/v1/receipt-worker: called by the enqueue trigger and the cron sweep through
// pg_net with the Vault secret. Drains the queue within the time budget and reports what it did.
import { assertSharedSecret } from '../auth/shared-secret.ts';
import { json, MethodNotAllowed, withErrors } from '../http/errors.ts';
import type { WorkerSummary } from './worker.ts';

export function createWorkerHandler(
  secret: string,
  run: () => Promise<WorkerSummary>,
): (req: Request) => Promise<Response> {
  return withErrors(async (req) => {
    if (req.method !== 'POST') throw new MethodNotAllowed(['POST']);
    assertSharedSecret(req, secret);
    await req.body?.cancel();
    return json(await run());
  });
}
