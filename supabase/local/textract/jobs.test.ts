import assert from 'node:assert/strict';
import type { ExpenseDocument } from '../../functions/_shared/textract/types.ts';
import { type Job, JobStore } from './jobs.ts';

const doc = (i: number) => ({ ExpenseIndex: i }) as ExpenseDocument;

Deno.test('jobs - a restart keeps finished jobs and re-runs the one that was in progress', async () => {
  const dir = await Deno.makeTempDir();
  try {
    const before = new JobStore(500, dir);
    const finished = before.start(
      (job) => {
        job.documents.push(doc(1));
        job.status = 'SUCCEEDED';
        return Promise.resolve();
      },
      'token-finished',
      new Uint8Array([1]),
    );
    await finished.done;
    // This one is cut off by the "restart": its work never ends in this process.
    const running = before.start(
      () => new Promise<void>(() => {}),
      'token-running',
      new Uint8Array([7, 7]),
    );

    const after = new JobStore(500, dir);
    const inputs: number[][] = [];
    const resumed = after.resume((input) => (job: Job) => {
      inputs.push([...input]);
      job.documents.push(doc(2));
      job.status = 'SUCCEEDED';
      return Promise.resolve();
    });
    assert.equal(resumed, 1);
    assert.deepEqual(inputs, [[7, 7]]); // re-run from the stored document
    await after.settle();
    assert.equal(after.get(running.id)?.status, 'SUCCEEDED');
    assert.deepEqual(after.get(running.id)?.documents, [doc(2)]);
    assert.equal(after.get(finished.id)?.status, 'SUCCEEDED');
    assert.deepEqual(after.get(finished.id)?.documents, [doc(1)]);
    // Start with the same ClientRequestToken still answers the same job, as AWS does.
    assert.equal(after.byToken('token-running')?.id, running.id);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test('jobs - without a directory, jobs live in memory only', async () => {
  const store = new JobStore();
  const job = store.start((j) => {
    j.status = 'SUCCEEDED';
    return Promise.resolve();
  });
  await job.done;
  assert.equal(store.get(job.id)?.status, 'SUCCEEDED');
  assert.equal(store.resume(() => async () => {}), 0);
});
