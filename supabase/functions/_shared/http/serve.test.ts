import assert from 'node:assert/strict';
import { loadEnv } from '../config/env.ts';
import { z } from 'npm:zod@^3.24.4';
import { buildOrExplain } from './serve.ts';

Deno.test('serve - missing configuration: the function starts and answers 503 naming the variable', async () => {
  const logged: string[] = [];
  const handler = buildOrExplain('payments-webhook', () => {
    const env = loadEnv({ STRIPE_WEBHOOK_SECRETS: z.string().min(1) }, {});
    return () => new Response(env.STRIPE_WEBHOOK_SECRETS);
  }, (m) => logged.push(m));
  const res = await handler(new Request('http://x/payments-webhook', { method: 'POST' }));
  assert.equal(res.status, 503);
  const body = await res.json();
  assert.equal(body.error, 'not_configured');
  assert.match(body.message, /^payments-webhook is not configured: .*STRIPE_WEBHOOK_SECRETS/);
  assert.equal(logged.length, 1);
});

Deno.test('serve - an empty variable (NAME= in an env file) counts as unset, not as a bad value', () => {
  const env = loadEnv({ TALLYQ_REDIS_URL: z.string().url().optional() }, { TALLYQ_REDIS_URL: '' });
  assert.equal(env.TALLYQ_REDIS_URL, undefined);
});

Deno.test('serve - a working configuration serves the real handler', async () => {
  const handler = buildOrExplain('health', () => () => new Response('ok'), () => {});
  assert.equal(await (await handler(new Request('http://x/'))).text(), 'ok');
});
