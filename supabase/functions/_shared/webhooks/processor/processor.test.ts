import assert from 'node:assert/strict';
import {
  type ClaimedWebhookEvent,
  createWebhookProcessor,
  PermanentEventError,
  type ProcessorConfig,
  type ProcessorQueue,
  projectEvent,
  type WebhookOutcome,
} from './processor.ts';

const CONFIG: ProcessorConfig = {
  batchSize: 2,
  visibilitySeconds: 30,
  maxAttempts: 5,
  maxDeliveries: 5,
  budgetMs: 10_000,
  backoffBaseSeconds: 2,
  backoffMaxSeconds: 300,
};

let nextId = 1;
function claimed(
  provider: 'stripe' | 'whatsapp',
  eventType: string,
  payload: Record<string, unknown>,
  attempts = 0,
): ClaimedWebhookEvent {
  const id = nextId++;
  return {
    msg_id: id,
    read_ct: 1,
    webhook_event_id: id,
    provider,
    event_id: `evt_${id}`,
    event_type: eventType,
    occurred_at: '2026-11-22T12:00:00.000Z',
    payload,
    attempts,
  };
}

const stripe = (object: unknown, extra: Record<string, unknown> = {}) =>
  claimed('stripe', 'payment_intent.succeeded', { data: { object }, livemode: false, ...extra });
const waStatus = (status: Record<string, unknown>) =>
  claimed('whatsapp', `status.${String(status.status)}`, { status });

/** A queue that hands out the given batches, then nothing; records every settle call. */
function fakeQueue(batches: ClaimedWebhookEvent[][]) {
  const settled: WebhookOutcome[][] = [];
  const queue: ProcessorQueue = {
    claim: () => Promise.resolve(batches.shift() ?? []),
    settle(outcomes) {
      settled.push(outcomes);
      const counts: Record<string, number> = {};
      for (const o of outcomes) counts[o.outcome] = (counts[o.outcome] ?? 0) + 1;
      return Promise.resolve(counts);
    },
  };
  return { queue, settled };
}

Deno.test("projectEvent - Stripe: the event's data.object becomes the payment object state", () => {
  const object = { id: 'pi_1', object: 'payment_intent', status: 'succeeded', amount: 1999 };
  assert.deepEqual(projectEvent(stripe(object, { livemode: true })), {
    kind: 'payment_object',
    object_id: 'pi_1',
    object_type: 'payment_intent',
    status: 'succeeded',
    livemode: true,
    data: object,
  });
});

Deno.test('projectEvent - Stripe: objects without an id (balance) project nothing', () => {
  assert.equal(projectEvent(stripe({ object: 'balance', available: [] })), null);
});

Deno.test('projectEvent - Stripe: no data.object is a permanent error', () => {
  assert.throws(
    () => projectEvent(claimed('stripe', 'x.y', { data: 'nope' })),
    PermanentEventError,
  );
  assert.throws(() => projectEvent(claimed('stripe', 'x.y', {})), /no data\.object/);
});

Deno.test('projectEvent - WhatsApp: tracked statuses project, others and inbound messages do not', () => {
  assert.deepEqual(
    projectEvent(waStatus({ id: 'wamid.1', status: 'delivered', recipient_id: '49151' })),
    {
      kind: 'message_status',
      message_id: 'wamid.1',
      recipient_id: '49151',
      status: 'delivered',
      errors: null,
    },
  );
  const failed = projectEvent(
    waStatus({ id: 'wamid.2', status: 'failed', errors: [{ code: 131026 }] }),
  );
  assert.deepEqual(failed && failed.kind === 'message_status' && failed.errors, [{ code: 131026 }]);
  assert.equal(projectEvent(waStatus({ id: 'wamid.3', status: 'deleted' })), null);
  assert.equal(projectEvent(claimed('whatsapp', 'message.text', { message: { id: 'm' } })), null);
  assert.throws(() => projectEvent(waStatus({ status: 'read' })), PermanentEventError);
});

Deno.test('processor - drains batch after batch until the queue is empty', async () => {
  const a = stripe({ id: 'pi_a', object: 'payment_intent' });
  const b = stripe({ id: 'pi_b', object: 'payment_intent' });
  const c = waStatus({ id: 'wamid.c', status: 'read' });
  const { queue, settled } = fakeQueue([[a, b], [c]]);
  const summary = await createWebhookProcessor(CONFIG, { queue }).run();
  assert.equal(summary.batches, 2);
  assert.equal(summary.claimed, 3);
  assert.equal(summary.stopped, 'empty');
  assert.deepEqual(summary.outcomes, { done: 3 });
  assert.deepEqual(settled[0].map((o) => [o.msg_id, o.webhook_event_id, o.outcome]), [
    [a.msg_id, a.webhook_event_id, 'done'],
    [b.msg_id, b.webhook_event_id, 'done'],
  ]);
  assert.equal(settled[1][0].projection?.kind, 'message_status');
});

Deno.test('processor - permanent errors fail at once; transient errors retry with backoff', async () => {
  const bad = claimed('stripe', 'x.y', {});
  const flaky = stripe({ id: 'pi_f', object: 'payment_intent' }, {});
  flaky.attempts = 2;
  const { queue, settled } = fakeQueue([[bad, flaky]]);
  const processor = createWebhookProcessor(CONFIG, {
    queue,
    random: () => 1,
    project: (e) => {
      if (e === flaky) throw new Error('connection reset');
      return projectEvent(e);
    },
  });
  const summary = await processor.run();
  assert.deepEqual(summary.outcomes, { fail: 1, retry: 1 });
  const [failOutcome, retryOutcome] = settled[0];
  assert.equal(failOutcome.outcome, 'fail');
  assert.match(failOutcome.error ?? '', /no data\.object/);
  assert.equal(retryOutcome.outcome, 'retry');
  assert.equal(retryOutcome.error, 'connection reset');
  // attempt 3 with full jitter at random() = 1: base 2 * 2^2 = 8 s
  assert.equal(retryOutcome.delay_seconds, 8);
});

Deno.test('processor - stops taking batches once the budget is spent', async () => {
  let clock = 0;
  const { queue } = fakeQueue([[stripe({ id: 'pi_1' })], [stripe({ id: 'pi_2' })]]);
  const originalClaim = queue.claim;
  queue.claim = (qty, vt, maxDeliveries) => {
    clock += 6_000;
    return originalClaim(qty, vt, maxDeliveries);
  };
  const summary = await createWebhookProcessor(CONFIG, { queue, now: () => clock }).run();
  assert.equal(summary.stopped, 'budget');
  assert.equal(summary.batches, 2);
  assert.equal(summary.elapsed_ms, 12_000);
});
