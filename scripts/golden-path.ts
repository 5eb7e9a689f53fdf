// Usage: deno run -A scripts/golden-path.ts [<base-url>]
//        (npm run golden-path; part of npm test against the test stack)
//
// The main user journey against any deployment (the local stack by default, env from
// .tallyq/<profile>/stack.env): readiness → upload a receipt → poll until it settles → its fields;
// then, when the deployment has the wallet, fund it through a Stripe-signed test payment webhook →
// the balance shows the credit (a transfer needs a second user: not scripted yet); finally health. One JSON line per step; exit 1 on the first failure.
// Env: SUPABASE_URL (when no argument); DEMO_USER_EMAIL + DEMO_USER_PASSWORD + SUPABASE_ANON_KEY
// to sign in first (POST /auth/v1/token, as supabase-js does) or else DEMO_USER_JWT (an access token),
// GOLDEN_PATH_RECEIPT (an image, default the first sample fixture), GOLDEN_PATH_TIMEOUT_MS (90000),
// DEMO_USER_ID + STRIPE_WEBHOOK_SECRETS to fund the wallet (else that part is skipped).
import { createHmac } from 'node:crypto';
import { readFile } from 'node:fs/promises';

type Json = Record<string, unknown>;

/** The EUR account's posted balance in minor units, from GET /wallet/accounts (0 without one). */
function eurPosted(body: unknown): number {
  const data = ((body as Json).data ?? []) as Json[];
  const eur = data.find((a) => a.currency === 'EUR');
  const posted = eur?.posted_minor ?? eur?.posted_balance_minor ??
    (eur?.posted as Json)?.amount_minor;
  return Number(posted ?? 0);
}
const SETTLED = ['ocr_done', 'needs_review', 'failed'];

export type Step = { step: string; ok: boolean; ms: number; detail?: Json };

export async function goldenPath(opts: {
  baseUrl: string;
  /** An access token, or credentials to sign in with first (GoTrue's password grant). */
  userJwt?: string;
  signIn?: { email: string; password: string; apiKey: string };
  receipt: Uint8Array;
  timeoutMs?: number;
  report?: (s: Step) => void;
  /** Fund the wallet through a Stripe-signed test webhook (local stack, staging). */
  fund?: { userId: string; stripeSecret: string };
}): Promise<Step[]> {
  const fn = `${opts.baseUrl.replace(/\/$/, '')}/functions/v1`;
  const user = { Authorization: `Bearer ${opts.userJwt ?? ''}` };
  const steps: Step[] = [];
  const step = async (name: string, run: () => Promise<Json | undefined> | Json | undefined) => {
    const started = performance.now();
    try {
      const detail = await run();
      steps.push({ step: name, ok: true, ms: Math.round(performance.now() - started), detail });
    } catch (err) {
      const detail = { error: err instanceof Error ? err.message : String(err) };
      steps.push({ step: name, ok: false, ms: Math.round(performance.now() - started), detail });
      opts.report?.(steps[steps.length - 1]);
      throw err;
    }
    opts.report?.(steps[steps.length - 1]);
  };
  const call = async (path: string, init: RequestInit = {}, want = [200]) => {
    const res = await fetch(`${fn}${path}`, init);
    const text = await res.text();
    if (!want.includes(res.status)) {
      throw new Error(`${path}: HTTP ${res.status} ${text.slice(0, 300)}`);
    }
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as Json };
  };

  if (opts.signIn) {
    const { email, password, apiKey } = opts.signIn;
    await step('sign-in', async () => {
      const res = await fetch(
        `${opts.baseUrl.replace(/\/$/, '')}/auth/v1/token?grant_type=password`,
        {
          method: 'POST',
          headers: { apikey: apiKey, 'content-type': 'application/json' },
          body: JSON.stringify({ email, password }),
        },
      );
      const body = await res.json();
      if (res.status !== 200) {
        throw new Error(`sign-in: HTTP ${res.status} ${JSON.stringify(body)}`);
      }
      user.Authorization = `Bearer ${body.access_token}`;
      return { user_id: body.user?.id, expires_in: body.expires_in };
    });
  }
  await step('ready', async () => (await call('/health/ready')).body);
  let receiptId = '';
  await step('upload', async () => {
    const form = new FormData();
    form.set(
      'file',
      new Blob([opts.receipt as Uint8Array<ArrayBuffer>], { type: 'image/jpeg' }),
      'receipt.jpg',
    );
    const { status, body } = await call(
      '/receipts',
      { method: 'POST', headers: user, body: form },
      [200, 201],
    );
    receiptId = String(body.id);
    return { status, id: receiptId, receipt_status: body.status };
  });
  let receipt: Json = {};
  await step('poll', async () => {
    const deadline = Date.now() + (opts.timeoutMs ?? 90_000);
    while (Date.now() < deadline) {
      receipt = (await call(`/receipts/${receiptId}`, { headers: user })).body;
      if (SETTLED.includes(String(receipt.status))) return { status: receipt.status };
      await new Promise((r) => setTimeout(r, 500));
    }
    throw new Error(`receipt ${receiptId} did not settle in time (status ${receipt.status})`);
  });
  await step('fields', () => {
    if (receipt.status === 'failed') throw new Error(`receipt failed: ${JSON.stringify(receipt)}`);
    const fields = (receipt.fields ?? receipt) as Json;
    const missing = ['vendor', 'total'].filter((k) =>
      fields[k] === null || fields[k] === undefined
    );
    if (missing.length) throw new Error(`fields missing: ${missing.join(', ')}`);
    return { vendor: fields.vendor, total: fields.total, date: fields.date ?? fields.receipt_date };
  });
  await step('wallet', async () => {
    const probe = await fetch(`${fn}/wallet/accounts`, { headers: user });
    if (probe.status === 404) {
      await probe.body?.cancel();
      return { skipped: 'this deployment has no wallet function' };
    }
    if (!opts.fund) return { skipped: 'no Stripe webhook secret to fund the wallet with' };
    const before = eurPosted(await probe.json());
    // fund through the real path: a Stripe-signed payment_intent.succeeded delivery
    const amount = 1000;
    const now = Math.floor(Date.now() / 1000);
    const id = crypto.randomUUID().replaceAll('-', '');
    const event = JSON.stringify({
      id: `evt_golden_${id}`,
      object: 'event',
      type: 'payment_intent.succeeded',
      created: now,
      livemode: false,
      data: {
        object: {
          id: `pi_golden_${id}`,
          object: 'payment_intent',
          amount,
          amount_received: amount,
          currency: 'eur',
          status: 'succeeded',
          metadata: { tallyq_user_id: opts.fund.userId },
          created: now,
        },
      },
    });
    const sig = createHmac('sha256', opts.fund.stripeSecret).update(`${now}.${event}`).digest(
      'hex',
    );
    await call('/payments-webhook', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': `t=${now},v1=${sig}` },
      body: event,
    });
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const after = eurPosted((await call('/wallet/accounts', { headers: user })).body);
      if (after === before + amount) return { funded_minor: amount, eur_posted_minor: after };
      await new Promise((r) => setTimeout(r, 500));
    }
    throw new Error(`the wallet was not credited ${amount} within 60 s (had ${before})`);
  });
  await step('health', async () => (await call('/health')).body);
  return steps;
}

if (import.meta.main) {
  const baseUrl = Deno.args[0] ?? Deno.env.get('SUPABASE_URL') ?? 'http://127.0.0.1:54321';
  const userJwt = Deno.env.get('DEMO_USER_JWT');
  const [email, password, apiKey] = ['DEMO_USER_EMAIL', 'DEMO_USER_PASSWORD', 'SUPABASE_ANON_KEY']
    .map((name) => Deno.env.get(name));
  const signIn = email && password && apiKey ? { email, password, apiKey } : undefined;
  if (!userJwt && !signIn) {
    console.error(
      'golden-path: set DEMO_USER_EMAIL, DEMO_USER_PASSWORD and SUPABASE_ANON_KEY, or DEMO_USER_JWT (load .tallyq/<profile>/stack.env)',
    );
    Deno.exit(2);
  }
  const receiptPath = Deno.env.get('GOLDEN_PATH_RECEIPT') ??
    new URL('../tests/fixtures/receipts/X51005268400.jpg', import.meta.url).pathname;
  try {
    await goldenPath({
      baseUrl,
      userJwt,
      signIn,
      receipt: new Uint8Array(await readFile(receiptPath)),
      timeoutMs: Number(Deno.env.get('GOLDEN_PATH_TIMEOUT_MS') ?? 90_000),
      report: (s) => console.log(JSON.stringify(s)),
      fund: Deno.env.get('DEMO_USER_ID') && Deno.env.get('STRIPE_WEBHOOK_SECRETS')
        ? {
          userId: Deno.env.get('DEMO_USER_ID')!,
          stripeSecret: Deno.env.get('STRIPE_WEBHOOK_SECRETS')!.split(',')[0],
        }
        : undefined,
    });
    console.log(JSON.stringify({ golden_path: 'passed', base_url: baseUrl }));
  } catch {
    console.log(JSON.stringify({ golden_path: 'failed', base_url: baseUrl }));
    Deno.exit(1);
  }
}
