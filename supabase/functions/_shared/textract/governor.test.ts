// Runs against a real Redis: TALLYQ_REDIS_URL if set, otherwise a private redis-server this file
// starts on a free port (and stops at the end).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { Redis } from 'npm:ioredis@^5.11.1';
import { TextractError } from './errors.ts';
import {
  createTextractGovernor,
  fromIoredis,
  loadGovernorConfig,
  type RedisEval,
} from './governor.ts';

async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function redisUrl(): Promise<{ url: string; stop: () => void }> {
  const given = Deno.env.get('TALLYQ_REDIS_URL');
  if (given) return { url: given, stop: () => {} };
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  const url = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 50; i++) {
    const probe = new Redis(url, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    probe.on('error', () => {/* not up yet */});
    try {
      await probe.connect();
      await probe.ping();
      probe.disconnect();
      return { url, stop: () => child.kill() };
    } catch {
      probe.disconnect();
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  child.kill();
  throw new Error('redis-server did not start');
}

const unique = () => `test:${crypto.randomUUID()}`;

Deno.test('governor - over real Redis', async (t) => {
  const { url, stop } = await redisUrl();
  const a = new Redis(url);
  const b = new Redis(url);
  try {
    await t.step('a burst is allowed, the next call is told how long to wait', async () => {
      const g = createTextractGovernor(fromIoredis(a), {
        region: 'eu-west-1',
        keyPrefix: unique(),
        limits: { AnalyzeExpense: { tps: 2, burst: 2 } },
      });
      assert.equal((await g.tryAcquire('AnalyzeExpense')).allowed, true);
      assert.equal((await g.tryAcquire('AnalyzeExpense')).allowed, true);
      const third = await g.tryAcquire('AnalyzeExpense');
      assert.equal(third.allowed, false);
      assert.ok(third.retryAfterMs > 0 && third.retryAfterMs <= 500, `${third.retryAfterMs}`);
    });

    await t.step('operations and regions have separate budgets', async () => {
      const prefix = unique();
      const limits = {
        AnalyzeExpense: { tps: 1, burst: 1 },
        GetExpenseAnalysis: { tps: 1, burst: 1 },
      };
      const eu = createTextractGovernor(fromIoredis(a), {
        region: 'eu-west-1',
        keyPrefix: prefix,
        limits,
      });
      const us = createTextractGovernor(fromIoredis(a), {
        region: 'us-east-1',
        keyPrefix: prefix,
        limits,
      });
      assert.equal((await eu.tryAcquire('AnalyzeExpense')).allowed, true);
      assert.equal((await eu.tryAcquire('AnalyzeExpense')).allowed, false);
      assert.equal((await eu.tryAcquire('GetExpenseAnalysis')).allowed, true);
      assert.equal((await us.tryAcquire('AnalyzeExpense')).allowed, true);
    });

    await t.step('workers on separate connections share one budget', async () => {
      const prefix = unique();
      const limits = { AnalyzeExpense: { tps: 1, burst: 3 } };
      const workers = [a, b].map((r) =>
        createTextractGovernor(fromIoredis(r), { region: 'r', keyPrefix: prefix, limits })
      );
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => workers[i % 2].tryAcquire('AnalyzeExpense')),
      );
      assert.equal(results.filter((r) => r.allowed).length, 3);
    });

    await t.step('acquire waits for a slot that frees up soon', async () => {
      const g = createTextractGovernor(fromIoredis(a), {
        region: 'r',
        keyPrefix: unique(),
        limits: { AnalyzeExpense: { tps: 20, burst: 1 } },
      });
      await g.acquire('AnalyzeExpense');
      const second = await g.acquire('AnalyzeExpense', { maxWaitMs: 1000 });
      assert.ok(second.waitedMs > 0);
    });

    await t.step('acquire refuses a long wait with a retryable RateLimited error', async () => {
      const g = createTextractGovernor(fromIoredis(a), {
        region: 'r',
        keyPrefix: unique(),
        limits: { AnalyzeExpense: { tps: 0.5, burst: 1 } },
      });
      await g.acquire('AnalyzeExpense');
      await assert.rejects(g.acquire('AnalyzeExpense', { maxWaitMs: 100 }), (e: unknown) => {
        assert.ok(e instanceof TextractError);
        assert.equal(e.code, 'RateLimited');
        assert.equal(e.retryable, true);
        assert.ok((e.retryAfterMs ?? 0) > 1000);
        return true;
      });
    });

    await t.step('bucket keys expire once idle', async () => {
      const prefix = unique();
      const g = createTextractGovernor(fromIoredis(a), {
        region: 'r',
        keyPrefix: prefix,
        limits: { AnalyzeExpense: { tps: 10 } },
      });
      await g.tryAcquire('AnalyzeExpense');
      const ttl = await a.pttl(`${prefix}:r:AnalyzeExpense`);
      assert.ok(ttl > 0 && ttl <= 101, `${ttl}`);
    });
  } finally {
    a.disconnect();
    b.disconnect();
    stop();
  }
});

Deno.test('governor - a garbled script reply is an error, not a free pass', async () => {
  const redis: RedisEval = { eval: () => Promise.resolve('OK') };
  const g = createTextractGovernor(redis, { region: 'r' });
  await assert.rejects(g.tryAcquire('AnalyzeExpense'), /Unexpected reply/);
});

Deno.test('governor - TEXTRACT_TPS is validated', () => {
  assert.deepEqual(loadGovernorConfig({}), {});
  assert.deepEqual(loadGovernorConfig({ TEXTRACT_TPS: '{"AnalyzeExpense":{"tps":2}}' }), {
    AnalyzeExpense: { tps: 2 },
  });
  assert.throws(
    () => loadGovernorConfig({ TEXTRACT_TPS: '{"AnalyzeExpense":{"tps":0}}' }),
    /TEXTRACT_TPS/,
  );
  assert.throws(() => loadGovernorConfig({ TEXTRACT_TPS: 'x' }), /TEXTRACT_TPS must be JSON/);
});
