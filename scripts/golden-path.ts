// Usage: deno run -A scripts/golden-path.ts [--require-wallet] [<base-url>]
//        (npm run golden-path; part of npm test against the test stack, with --require-wallet)
//
// The main user journey against any deployment (the local stack by default, env from
// .tallyq/<profile>/stack.env): readiness → upload a receipt → poll until it settles → its fields;
// then the wallet: both users' EUR accounts → fund the payer through a Stripe-signed test
// payment webhook → transfer payer → payee with an Idempotency-Key (and its replay) → both
// balances and the payee's newest ledger entry; finally health. One JSON line per step; exit 1 on
// the first failure.
//
// Who the two users are (each: an access token, or an email + password signed in through
// Supabase Auth's password grant, which needs SUPABASE_ANON_KEY):
//   payer  GOLDEN_PATH_USER_JWT | GOLDEN_PATH_USER_EMAIL + _PASSWORD | DEMO_USER_EMAIL + _PASSWORD
//          (the local stack's) | DEMO_USER_JWT
//   payee  GOLDEN_PATH_PAYEE_JWT | GOLDEN_PATH_PAYEE_EMAIL + _PASSWORD | DEMO2_USER_EMAIL + _PASSWORD
// The payer is funded through payments-webhook with a test-mode event signed with
// GOLDEN_PATH_STRIPE_SECRET, else the first of STRIPE_WEBHOOK_SECRETS: the signing secret the
// deployment's payments-webhook verifies with (hosted: the project's function secret). Without a
// payee or a secret the wallet steps are skipped, and --require-wallet (or
// GOLDEN_PATH_REQUIRE_WALLET=1) turns that skip into a failure.
// Other env: SUPABASE_URL (when no argument), GOLDEN_PATH_RECEIPT (an image, default the first
// sample fixture), GOLDEN_PATH_TIMEOUT_MS (90000).
import { readFile } from 'node:fs/promises';
import { signStripePayload } from '../supabase/functions/_shared/webhooks/ingest/stripe-signature.ts';

type Json = Record<string, unknown>;
export type Step = { step: string; ok: boolean; ms: number; detail?: Json };

const SETTLED = ['ocr_done', 'needs_review', 'failed'];
const CURRENCY = 'EUR';
const FUND_MINOR = 1000;
const TRANSFER_MINOR = 250;

export type WalletOptions = {
  /** The second user's access token: the transfer's payee. */
  payeeJwt: string;
  /** The secret payments-webhook verifies Stripe signatures with. */
  stripeSecret: string;
};

/** The `sub` claim of an access token (the golden path only reads it; the API verifies it). */
export function subjectOf(jwt: string): string {
  const payload = jwt.split('.')[1] ?? '';
  const json = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/')));
  if (typeof json.sub !== 'string') throw new Error('the access token has no sub claim');
  return json.sub;
}

/** A Stripe payment_intent.succeeded delivery crediting `userId`, signed as Stripe signs. */
export function signedPaymentEvent(userId: string, amountMinor: number, secret: string) {
  const now = Math.floor(Date.now() / 1000);
  const id = crypto.randomUUID().replaceAll('-', '');
  const body = JSON.stringify({
    id: `evt_golden_${id}`,
    object: 'event',
    type: 'payment_intent.succeeded',
    created: now,
    livemode: false,
    data: {
      object: {
        id: `pi_golden_${id}`,
        object: 'payment_intent',
        amount: amountMinor,
        amount_received: amountMinor,
        currency: CURRENCY.toLowerCase(),
        status: 'succeeded',
        metadata: { tallyq_user_id: userId },
        created: now,
      },
    },
  });
  return { body, signature: signStripePayload(body, secret, now) };
}

type Call =
  & ((
    path: string,
    init?: RequestInit,
    want?: number[],
  ) => Promise<{ status: number; headers: Headers; body: Json }>)
  & { base: string };

function caller(fn: string): Call {
  const call = async (path: string, init: RequestInit = {}, want = [200]) => {
    const res = await fetch(`${fn}${path}`, init);
    const text = await res.text();
    if (!want.includes(res.status)) {
      throw new Error(`${init.method ?? 'GET'} ${path}: HTTP ${res.status} ${text.slice(0, 300)}`);
    }
    return {
      status: res.status,
      headers: res.headers,
      body: (text ? JSON.parse(text) : {}) as Json,
    };
  };
  return Object.assign(call, { base: fn });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function goldenPath(opts: {
  baseUrl: string;
  userJwt: string;
  receipt: Uint8Array;
  timeoutMs?: number;
  report?: (s: Step) => void;
  wallet?: WalletOptions;
  /** Fail instead of skipping the wallet steps. */
  requireWallet?: boolean;
}): Promise<Step[]> {
  const call = caller(`${opts.baseUrl.replace(/\/$/, '')}/functions/v1`);
  const steps: Step[] = [];
  const step = async (name: string, run: () => Promise<Json | undefined> | Json | undefined) => {
    const started = performance.now();
    const done = (ok: boolean, detail?: Json) => {
      steps.push({ step: name, ok, ms: Math.round(performance.now() - started), detail });
      opts.report?.(steps[steps.length - 1]);
    };
    try {
      done(true, await run());
    } catch (err) {
      done(false, { error: err instanceof Error ? err.message : String(err) });
      throw err;
    }
  };

  await step('ready', async () => (await call('/health/ready')).body);
  await receiptJourney(call, step, opts);
  await walletJourney(call, step, opts);
  await step('health', async () => (await call('/health')).body);
  return steps;
}

type StepFn = (
  name: string,
  run: () => Promise<Json | undefined> | Json | undefined,
) => Promise<void>;

/** upload → poll → fields. */
async function receiptJourney(
  call: Call,
  step: StepFn,
  opts: { userJwt: string; receipt: Uint8Array; timeoutMs?: number },
) {
  const user = { Authorization: `Bearer ${opts.userJwt}` };
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
      [
        200,
        201,
      ],
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
      await sleep(500);
    }
    throw new Error(`receipt ${receiptId} did not settle in time (status ${receipt.status})`);
  });
  await step('fields', () => {
    if (receipt.status === 'failed') throw new Error(`receipt failed: ${JSON.stringify(receipt)}`);
    const fields = (receipt.fields ?? {}) as Json;
    const missing = ['vendor', 'total'].filter((k) =>
      fields[k] === null || fields[k] === undefined
    );
    if (missing.length) throw new Error(`fields missing: ${missing.join(', ')}`);
    return { vendor: fields.vendor, total: fields.total, date: fields.receipt_date };
  });
}

type Account = { id: string; currency: string; posted_balance_minor: number };

/** The caller's account in CURRENCY, opened on first use (POST answers 201, or 200 when it was). */
async function accountOf(call: Call, auth: Json): Promise<Account> {
  const { body } = await call('/wallet/accounts', {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' } as HeadersInit,
    body: JSON.stringify({ currency: CURRENCY }),
  }, [200, 201]);
  return body as unknown as Account;
}

async function postedOf(call: Call, auth: Json, accountId: string): Promise<number> {
  const { body } = await call('/wallet/accounts', { headers: auth as HeadersInit });
  const account = ((body.data ?? []) as Account[]).find((a) => a.id === accountId);
  if (!account) throw new Error(`account ${accountId} is not in GET /wallet/accounts`);
  return Number(account.posted_balance_minor);
}

/** accounts → fund (signed webhook) → transfer (+ replay) → balances and the payee's entry. */
async function walletJourney(
  call: Call,
  step: StepFn,
  opts: { userJwt: string; wallet?: WalletOptions; requireWallet?: boolean },
) {
  const payer = { Authorization: `Bearer ${opts.userJwt}` };
  const wallet = opts.wallet;
  let skip: string | null = null;
  await step('wallet', async () => {
    const probe = await fetch(`${call.base}/wallet/accounts`, { headers: payer });
    await probe.body?.cancel();
    if (probe.status === 404) skip = 'this deployment has no wallet function';
    else if (!wallet) skip = 'no payee or no Stripe webhook secret (see the usage header)';
    if (skip && opts.requireWallet) throw new Error(`wallet steps required: ${skip}`);
    return skip ? { skipped: skip } : { status: probe.status };
  });
  if (skip || !wallet) return;
  const payee = { Authorization: `Bearer ${wallet.payeeJwt}` };

  let from: Account, to: Account;
  let fromBefore = 0, toBefore = 0;
  await step('accounts', async () => {
    [from, to] = [await accountOf(call, payer), await accountOf(call, payee)];
    if (from.id === to.id) throw new Error('the payer and the payee are the same user');
    [fromBefore, toBefore] = [Number(from.posted_balance_minor), Number(to.posted_balance_minor)];
    return { payer_account: from.id, payee_account: to.id, payer_posted: fromBefore };
  });
  await step('fund', async () => {
    const { body, signature } = signedPaymentEvent(
      subjectOf(opts.userJwt),
      FUND_MINOR,
      wallet.stripeSecret,
    );
    await call('/payments-webhook', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': signature },
      body,
    });
    // the credit is asynchronous: webhook_events → pgmq → webhook-processor → ledger
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const now = await postedOf(call, payer, from.id);
      if (now === fromBefore + FUND_MINOR) return { funded_minor: FUND_MINOR, payer_posted: now };
      await sleep(500);
    }
    throw new Error(`the payer was not credited ${FUND_MINOR} within 60 s`);
  });
  let transferId = '';
  await step('transfer', async () => {
    const key = `golden-${crypto.randomUUID()}`;
    const send = () =>
      call('/wallet/transfers', {
        method: 'POST',
        headers: { ...payer, 'content-type': 'application/json', 'Idempotency-Key': key },
        body: JSON.stringify({
          from_account_id: from.id,
          to_account_id: to.id,
          amount_minor: TRANSFER_MINOR,
          currency: CURRENCY,
          description: 'golden path',
        }),
      }, [201]);
    const first = await send();
    transferId = String(first.body.id);
    if (first.body.status !== 'posted') throw new Error(`transfer is ${first.body.status}`);
    // a retry with the same key answers the same transfer and moves nothing
    const replay = await send();
    if (replay.body.id !== transferId || replay.headers.get('idempotency-replayed') !== 'true') {
      throw new Error(`the replay answered ${JSON.stringify(replay.body)} without the replay flag`);
    }
    return { id: transferId, amount_minor: TRANSFER_MINOR, replayed: true };
  });
  await step('balances', async () => {
    const payerPosted = await postedOf(call, payer, from.id);
    const payeePosted = await postedOf(call, payee, to.id);
    const want = [fromBefore + FUND_MINOR - TRANSFER_MINOR, toBefore + TRANSFER_MINOR];
    if (payerPosted !== want[0] || payeePosted !== want[1]) {
      throw new Error(`balances ${payerPosted}/${payeePosted}, expected ${want[0]}/${want[1]}`);
    }
    const { body } = await call(`/wallet/accounts/${to.id}/entries?limit=1`, { headers: payee });
    const [entry] = (body.data ?? []) as Json[];
    if (entry?.transaction_id !== transferId || entry.balance_after_minor !== payeePosted) {
      throw new Error(`the payee's newest entry is not the transfer: ${JSON.stringify(entry)}`);
    }
    return { payer_posted: payerPosted, payee_posted: payeePosted };
  });
}

if (import.meta.main) {
  const args = Deno.args.filter((a) => a !== '--require-wallet');
  const requireWallet = Deno.args.includes('--require-wallet') ||
    Deno.env.get('GOLDEN_PATH_REQUIRE_WALLET') === '1';
  const baseUrl = args[0] ?? Deno.env.get('SUPABASE_URL') ?? 'http://127.0.0.1:54321';
  try {
    const userJwt = await tokenFor(baseUrl, 'USER', 'DEMO_USER');
    if (!userJwt) {
      throw new Error(
        'no user: set GOLDEN_PATH_USER_JWT, or GOLDEN_PATH_USER_EMAIL + GOLDEN_PATH_USER_PASSWORD ' +
          '+ SUPABASE_ANON_KEY (or load .tallyq/<profile>/stack.env)',
      );
    }
    const payeeJwt = await tokenFor(baseUrl, 'PAYEE', 'DEMO2_USER');
    const stripeSecret = Deno.env.get('GOLDEN_PATH_STRIPE_SECRET') ??
      Deno.env.get('STRIPE_WEBHOOK_SECRETS')?.split(',')[0]?.trim();
    const receiptPath = Deno.env.get('GOLDEN_PATH_RECEIPT') ??
      new URL('../tests/fixtures/receipts/X51005268400.jpg', import.meta.url).pathname;
    await goldenPath({
      baseUrl,
      userJwt,
      receipt: new Uint8Array(await readFile(receiptPath)),
      timeoutMs: Number(Deno.env.get('GOLDEN_PATH_TIMEOUT_MS') ?? 90_000),
      report: (s) => console.log(JSON.stringify(s)),
      wallet: payeeJwt && stripeSecret ? { payeeJwt, stripeSecret } : undefined,
      requireWallet,
    });
    console.log(JSON.stringify({ golden_path: 'passed', base_url: baseUrl }));
  } catch (err) {
    console.log(JSON.stringify({
      golden_path: 'failed',
      base_url: baseUrl,
      error: err instanceof Error ? err.message : String(err),
    }));
    Deno.exit(1);
  }
}

/**
 * A user's access token: GOLDEN_PATH_<WHO>_JWT; else a password sign-in (POST
 * /auth/v1/token?grant_type=password with SUPABASE_ANON_KEY, as supabase-js signs in, reported as
 * a step) with GOLDEN_PATH_<WHO>_EMAIL / _PASSWORD or the local stack's demo credentials
 * (<DEMO>_EMAIL / _PASSWORD); else the stack's minted <DEMO>_JWT. Undefined when none is set.
 */
async function tokenFor(baseUrl: string, who: string, demo: string): Promise<string | undefined> {
  const env = (name: string) => Deno.env.get(name);
  const given = env(`GOLDEN_PATH_${who}_JWT`);
  if (given) return given;
  const email = env(`GOLDEN_PATH_${who}_EMAIL`) ?? env(`${demo}_EMAIL`);
  const password = env(`GOLDEN_PATH_${who}_PASSWORD`) ?? env(`${demo}_PASSWORD`);
  const apikey = env('SUPABASE_ANON_KEY');
  if (!email || !password || !apikey) return env(`${demo}_JWT`);
  const started = performance.now();
  const res = await fetch(`${baseUrl.replace(/\/$/, '')}/auth/v1/token?grant_type=password`, {
    method: 'POST',
    headers: { apikey, 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  const body = await res.json().catch(() => ({}));
  const ok = res.ok && typeof body.access_token === 'string';
  console.log(JSON.stringify({
    step: `sign-in ${who.toLowerCase()}`,
    ok,
    ms: Math.round(performance.now() - started),
    detail: ok ? { user_id: body.user?.id } : { status: res.status },
  }));
  if (!ok) throw new Error(`sign-in of the ${who.toLowerCase()} failed: HTTP ${res.status}`);
  return body.access_token;
}
