// The web app in a real browser (headless Debian Chromium through playwright-core) against the
// running test stack: sign in, upload receipts and watch them finish, correct a vendor, transfer
// money between the two demo users, replay a dead letter; every page checked with axe-core at
// desktop and phone width; a screenshot of each step in .tallyq/test-results/browser/.
import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createPasswordUser,
  env,
  type PasswordUser,
  sampleFile,
  sql,
  waitFor,
} from '../support/stack.ts';
import {
  appUrl,
  axeViolations,
  describeViolations,
  launch,
  newContext,
  PHONE,
  screenshot,
  signIn,
} from './browser.ts';

const DONE_SAMPLE = 'X51005361950'; // read cleanly: ends ocr_done
const REVIEW_SAMPLE = 'X51005268400'; // its tax reads above its total: ends needs_review
const FINAL = ['ocr_done', 'needs_review'];

let browser: Browser;
// A fresh user with a password (their own organisation, so every run starts clean) uploads,
// reviews and runs operations; the funded demo user pays the second demo user.
let user: PasswordUser;
let page: Page; // the fresh user's page, kept signed in across the steps
let consoleErrors: string[];
const demo = () => ({
  email: env('DEMO_USER_EMAIL'),
  password: env('DEMO_USER_PASSWORD'),
  id: env('DEMO_USER_ID'),
});

async function expectAccessible(p: Page, what: string): Promise<void> {
  const violations = await axeViolations(p);
  expect(violations, `${what}:\n${describeViolations(violations)}`).toEqual([]);
}

/** Drops files on the drop zone as a drag from the desktop would (a DataTransfer with Files). */
async function dropFiles(p: Page, names: string[], extra: { name: string; text: string }[] = []) {
  const files = [
    ...await Promise.all(names.map(async (n) => ({
      name: `${n}.jpg`,
      type: 'image/jpeg',
      b64: (await readFile(sampleFile(n))).toString('base64'),
    }))),
    ...extra.map((f) => ({ name: f.name, type: 'text/plain', b64: btoa(f.text) })),
  ];
  // (runs in the page: its globals are the browser's, typed loosely here)
  await p.evaluate((list) => {
    // deno-lint-ignore no-explicit-any
    const w = globalThis as any;
    const dt = new w.DataTransfer();
    for (const f of list) {
      const bytes = Uint8Array.from(atob(f.b64), (c) => c.charCodeAt(0));
      dt.items.add(new w.File([bytes], f.name, { type: f.type }));
    }
    const zone = w.document.getElementById('dropzone');
    for (const type of ['dragover', 'drop']) {
      zone.dispatchEvent(
        new w.DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }),
      );
    }
  }, files);
}

async function receiptByName(name: string) {
  const [r] = await sql`select id, status, total, currency, vendor, vendor_tax_id, organisation_id
    from public.receipts where owner_id = ${user.id} and original_filename = ${name}
    order by created_at desc limit 1`;
  return r;
}

/** The number a balance cell shows, in minor units ("1,234.56 EUR" → 123456). */
async function balance(p: Page, which: string): Promise<number> {
  const text = await p.locator(`[data-balance="${which}"]`).first().innerText();
  return Number(text.replace(/[^0-9-]/g, ''));
}

beforeAll(async () => {
  user = await createPasswordUser('webapp');
  browser = await launch();
  ({ page, consoleErrors } = await newContext(browser));
});

afterAll(async () => {
  await browser?.close();
  await sql.end();
});

describe('web app - in a real browser', { timeout: 240_000 }, () => {
  it('sign in: the page is accessible, a wrong password reads as a sentence, the keyboard signs in', async () => {
    await page.goto(`${appUrl()}/`);
    await page.getByRole('heading', { name: 'Sign in to tallyq' }).waitFor();
    await expectAccessible(page, 'sign-in page');
    await screenshot(page, 'sign-in');

    await page.getByLabel('Email').fill(user.email);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const alert = page.getByRole('alert');
    await expect.poll(() => alert.innerText()).toBe(
      'That email and password do not match. Check them and try again.',
    );
    await screenshot(page, 'sign-in-wrong-password');

    // keyboard only: focus the email field, Tab to the password, Enter submits
    await page.getByLabel('Email').focus();
    await page.keyboard.press('Tab');
    expect(await page.locator(':focus').getAttribute('id')).toBe('password');
    await page.keyboard.type(user.password);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Receipts' }).waitFor();
    // the session is supabase-js's own, with an ES256 access token from the auth endpoint
    const stored = await page.evaluate(() => globalThis.localStorage.getItem('sb-127-auth-token'));
    const session = JSON.parse(stored ?? '{}');
    expect(session.user?.email).toBe(user.email);
    expect(JSON.parse(atob(session.access_token.split('.')[0])).alg).toBe('ES256');
    await expectAccessible(page, 'receipts page');
    await screenshot(page, 'receipts-signed-in');
  });

  it('upload: two dropped files upload with progress each; the list reaches done with the total', async () => {
    // two receipts and a text file the API refuses: each upload stands alone
    await dropFiles(page, [DONE_SAMPLE, REVIEW_SAMPLE], [{
      name: 'notes.txt',
      text: 'not a receipt',
    }]);
    const uploads = page.getByRole('list', { name: 'Uploads' }).locator('li');
    await expect.poll(() => uploads.count()).toBe(3);
    await expect.poll(() => page.locator('.upload-state.ok').count(), { timeout: 30_000 }).toBe(2);
    for (const name of [DONE_SAMPLE, REVIEW_SAMPLE]) {
      const item = uploads.filter({ hasText: `${name}.jpg` });
      expect(await item.locator('progress').getAttribute('value')).toBe('100');
    }
    const refused = uploads.filter({ hasText: 'notes.txt' }).locator('.upload-state');
    await expect.poll(() => refused.innerText()).toBe(
      'Not uploaded: File type is not supported: send a JPEG, PNG, TIFF or PDF.',
    );
    await screenshot(page, 'receipts-uploaded');

    // the list polls with backoff until both are read; the done one shows its total
    const row = page.locator('tr', { hasText: `${DONE_SAMPLE}.jpg` });
    await expect.poll(() => row.locator('.status').innerText(), {
      timeout: 150_000,
      interval: 1000,
    })
      .toBe('Done');
    const stored = await receiptByName(`${DONE_SAMPLE}.jpg`);
    expect(stored.status).toBe('ocr_done');
    expect(stored.total).not.toBeNull();
    // the page shows the stored total, in the receipt's currency (decimal text from the database)
    const [whole, frac = ''] = String(stored.total).split('.');
    const shown = `${Number(whole).toLocaleString('en-US')}.${
      frac.padEnd(2, '0').slice(0, 2)
    } ${stored.currency}`;
    expect(await row.locator('td').nth(3).innerText()).toBe(shown);
    const review = page.locator('tr', { hasText: `${REVIEW_SAMPLE}.jpg` });
    await expect.poll(() => review.locator('.status').innerText(), {
      timeout: 150_000,
      interval: 1000,
    })
      .toBe('Needs review');
    // status changes are announced in the polite live region
    expect(await page.locator('#announcer').getAttribute('aria-live')).toBe('polite');
    await screenshot(page, 'receipts-done');
    await expectAccessible(page, 'receipts page with receipts');
  });

  it('review: image beside the fields, low confidence marked; a corrected vendor is saved, audited and confirmed', async () => {
    const before = await receiptByName(`${REVIEW_SAMPLE}.jpg`);
    expect(before.status).toBe('needs_review');
    await page.locator('a', { hasText: `${REVIEW_SAMPLE}.jpg` }).first().click();
    await page.getByRole('heading', { level: 1, name: 'Receipt' }).waitFor();
    const img = page.getByRole('img', { name: `The uploaded receipt ${REVIEW_SAMPLE}.jpg` });
    await img.waitFor();
    await expect.poll(() =>
      img.evaluate((el) => (el as unknown as { naturalWidth: number }).naturalWidth)
    )
      .toBeGreaterThan(100);
    expect(await page.locator('.field.low').count()).toBeGreaterThan(0);
    expect(await page.locator('.field.low .confidence').first().innerText()).toMatch(
      /^Low confidence, please check: \d+%$/,
    );
    await expectAccessible(page, 'receipt page');
    await screenshot(page, 'receipt-review');

    const vendor = `Corrected Vendor ${Date.now()}`;
    await page.getByLabel('Vendor', { exact: true }).fill(vendor);
    await page.getByRole('button', { name: 'Save and confirm' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Saved' }).innerText())
      .toBe('Saved 1 correction. The receipt is confirmed.');
    await expect.poll(() => page.locator('.receipt-status .status').innerText()).toBe('Done');
    expect(await page.getByLabel('Vendor', { exact: true }).inputValue()).toBe(vendor);
    expect(await page.locator('[data-field="vendor"] .confidence').innerText()).toBe(
      'Confidence 100%',
    );
    // the receipt view lists who changed what
    await expect.poll(() => page.locator('[data-correction-field="vendor"]').innerText())
      .toMatch(new RegExp(`^Vendor: “.*” → “${vendor}”, by you, `));
    await screenshot(page, 'receipt-corrected');

    // stored with who and when, audited, out of needs_review
    const after = await receiptByName(`${REVIEW_SAMPLE}.jpg`);
    expect([after.status, after.vendor]).toEqual(['ocr_done', vendor]);
    const corrections = await sql`select field, old_value, new_value, corrected_by, corrected_at
      from public.receipt_corrections where receipt_id = ${after.id}`;
    expect(corrections.map((c) => [c.field, c.old_value, c.new_value, c.corrected_by])).toEqual([
      ['vendor', before.vendor, vendor, user.id],
    ]);
    const audited = await sql`select actor_id from private.audit_log
      where table_name = 'receipt_corrections' and op = 'INSERT' and new_record ->> 'receipt_id' = ${after.id}`;
    expect(audited.map((a) => a.actor_id)).toEqual([user.id]);
    if (after.vendor_tax_id) {
      const [dir] =
        await sql`select vendor, confidence::float8 as confidence from public.vendor_directory
        where organisation_id = ${after.organisation_id} and tax_id = ${after.vendor_tax_id}`;
      expect([dir.vendor, dir.confidence]).toEqual([vendor, 1]);
    }
  });

  it('wallet: a transfer to the second demo user changes both balances; refusals read as sentences', async () => {
    // the second demo user signs in in a browser context of their own and shares an account id
    const other = await newContext(browser);
    await signIn(other.page, env('DEMO2_USER_EMAIL'), env('DEMO2_USER_PASSWORD'));
    await other.page.getByRole('link', { name: 'Wallet' }).click();
    await other.page.getByRole('heading', { level: 1, name: 'Wallet' }).waitFor();
    const openButton = other.page.getByRole('button', { name: 'Open a EUR wallet' });
    await other.page.locator('[data-balance="available"], button:text("Open a EUR wallet")').first()
      .waitFor();
    if (await openButton.isVisible()) await openButton.click();
    const code = other.page.locator('[data-account-id-text]').first();
    await code.waitFor();
    const recipientAccount = await code.innerText();
    const recipientBefore = await balance(other.page, 'available');
    await screenshot(other.page, 'wallet-recipient-before');

    // the funded demo user pays, signed in through the form in a context of their own
    const payer = await newContext(browser);
    const page = payer.page;
    await signIn(page, demo().email, demo().password);
    await page.getByRole('link', { name: 'Wallet' }).click();
    await page.getByRole('heading', { level: 1, name: 'Wallet' }).waitFor();
    await page.locator('[data-balance="available"]').first().waitFor();
    const senderBefore = await balance(page, 'available');
    await expectAccessible(page, 'wallet page');
    await screenshot(page, 'wallet-sender-before');

    // more than is available: the API's insufficient_funds, in words
    await page.getByLabel('To account id').fill(recipientAccount);
    await page.getByLabel('Amount').fill(`${Math.floor(senderBefore / 100) + 1}.00`);
    await page.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => page.getByRole('alert').filter({ hasText: 'enough' }).innerText())
      .toBe('You do not have enough available money for this transfer.');
    await screenshot(page, 'wallet-insufficient-funds');

    await page.getByLabel('Amount').fill('12.34');
    await page.getByLabel('Note (optional)').fill('Lunch');
    await page.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Sent' }).innerText()).toBe(
      'Sent 12.34 EUR.',
    );
    await expect.poll(() => balance(page, 'available')).toBe(senderBefore - 1234);
    expect(await balance(page, 'posted')).toBe(senderBefore - 1234);
    await expect.poll(() => page.locator('tbody tr').first().innerText()).toContain('-12.34 EUR');
    await screenshot(page, 'wallet-sender-after');

    await other.page.reload();
    await other.page.locator('[data-balance="available"]').first().waitFor();
    await expect.poll(() => balance(other.page, 'available')).toBe(recipientBefore + 1234);
    await screenshot(other.page, 'wallet-recipient-after');
    await expectAccessible(other.page, 'wallet page (recipient)');

    // and back: the second demo user pays the same amount to the account id the first one shows,
    // leaving the demo wallet as the stack funded it (other tests rely on its balance)
    const payerAccount = await page.locator('[data-account-id-text]').first().innerText();
    await other.page.getByLabel('To account id').fill(payerAccount);
    await other.page.getByLabel('Amount').fill('12.34');
    await other.page.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => other.page.getByRole('status').filter({ hasText: 'Sent' }).innerText())
      .toBe('Sent 12.34 EUR.');
    await expect.poll(() => balance(other.page, 'available')).toBe(recipientBefore);
    await page.reload();
    await page.locator('[data-balance="available"]').first().waitFor();
    await expect.poll(() => balance(page, 'available')).toBe(senderBefore);
    // only the refused transfer's 422 reached the console
    expect([...payer.consoleErrors, ...other.consoleErrors].filter((e) => !/status of 422/.test(e)))
      .toEqual([]);
    await other.context.close();
    await payer.context.close();
  });

  it('operations: a dead letter shows its reason and is replayed from the operations view', async () => {
    // Setup, as the worker leaves a receipt that failed for good (say, Textract was down for
    // every attempt): status failed with its last error, and a dead letter naming the reason.
    const failed = await receiptByName(`${DONE_SAMPLE}.jpg`);
    const reason = 'Textract was unavailable on every attempt (test setup)';
    await sql`update public.receipts set status = 'failed', attempts = 3, last_error = ${reason}
      where id = ${failed.id}`;
    await sql`select pgmq.send('receipt_ocr_dlq', jsonb_build_object('receipt_id', ${failed.id}::uuid,
      'reason', ${reason}::text, 'failed_at', now()))`;
    const name = `${DONE_SAMPLE}.jpg`;

    await page.getByRole('link', { name: 'Operations' }).click();
    await page.getByRole('heading', { level: 1, name: 'Operations' }).waitFor();
    const row = page.locator('.dead-letters tr', { hasText: name });
    await row.waitFor({ timeout: 30_000 });
    expect(await row.innerText()).toContain(reason);
    expect(await page.locator('[data-stat="health"]').innerText()).toMatch(/\w+/);
    await expectAccessible(page, 'operations page');
    await screenshot(page, 'operations-dead-letter');

    await row.getByRole('button', { name: `Replay ${name}` }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Replayed' }).innerText())
      .toBe('Replayed 1 receipt. They are back in the queue.');
    await expect.poll(() => page.locator('.dead-letters tr', { hasText: name }).count()).toBe(0);
    await screenshot(page, 'operations-replayed');
    const [event] = await sql`select metadata ->> 'replayed_by' as by from public.receipt_events
      where receipt_id = ${failed.id} and event_type = 'replayed'`;
    expect(event.by).toBe(user.id);
    const [dlq] = await sql`select count(*)::int as n from pgmq.q_receipt_ocr_dlq
      where message ->> 'receipt_id' = ${failed.id}`;
    expect(dlq.n).toBe(0);
    // replayed means read again: it leaves failed for a final state
    await waitFor('the replayed receipt to be read again', async () => {
      const [r] = await sql`select status from public.receipts where id = ${failed.id}`;
      return FINAL.includes(r.status) ? r : null;
    }, 120_000);
  });

  it('session: an expired access token is refreshed by supabase-js, the page keeps working', async () => {
    const read = () => page.evaluate(() => globalThis.localStorage.getItem('sb-127-auth-token'));
    const before = JSON.parse((await read()) ?? '{}');
    // as if the tab had slept past the token's expiry
    await page.evaluate(
      (s) => globalThis.localStorage.setItem('sb-127-auth-token', s),
      JSON.stringify({
        ...before,
        expires_at: Math.floor(Date.now() / 1000) - 60,
      }),
    );
    await page.goto(`${appUrl()}/#/receipts`);
    await page.getByRole('heading', { level: 1, name: 'Receipts' }).waitFor();
    await page.locator('tr', { hasText: `${REVIEW_SAMPLE}.jpg` }).waitFor();
    const after = JSON.parse((await read()) ?? '{}');
    expect(after.access_token).not.toBe(before.access_token);
    expect(after.refresh_token).not.toBe(before.refresh_token); // rotated
    expect(after.expires_at).toBeGreaterThan(Math.floor(Date.now() / 1000));
  });

  it('phone width (375 px): every page is accessible and nothing scrolls sideways', async () => {
    const phone = await newContext(browser, PHONE);
    await signIn(phone.page, user.email, user.password);
    const receipt = await receiptByName(`${REVIEW_SAMPLE}.jpg`);
    for (
      const [hash, heading] of [
        ['#/receipts', 'Receipts'],
        [`#/receipts/${receipt.id}`, 'Receipt'],
        ['#/wallet', 'Wallet'],
        ['#/ops', 'Operations'],
      ]
    ) {
      await phone.page.goto(`${appUrl()}/${hash}`);
      await phone.page.getByRole('heading', { level: 1, name: heading, exact: true }).waitFor();
      await phone.page.waitForLoadState('networkidle');
      await expectAccessible(phone.page, `${heading} at 375 px`);
      const overflow = await phone.page.evaluate(() => {
        // deno-lint-ignore no-explicit-any
        const w = globalThis as any;
        return w.document.documentElement.scrollWidth - w.innerWidth;
      });
      expect(overflow, `${heading} scrolls sideways`).toBeLessThanOrEqual(0);
      await screenshot(phone.page, `phone-${heading.toLowerCase()}`);
    }
    await phone.page.getByRole('button', { name: 'Sign out' }).click();
    await phone.page.getByRole('heading', { name: 'Sign in to tallyq' }).waitFor();
    await phone.page.goto(`${appUrl()}/#/wallet`); // signed out: back to sign-in
    await phone.page.getByRole('heading', { name: 'Sign in to tallyq' }).waitFor();
    await phone.context.close();
  });

  it('the pages logged no errors to the console', () => {
    // expected: the wrong password's 400 from the auth endpoint and the text file's 415 from the
    // receipts API; nothing else may fail
    expect(consoleErrors.filter((e) => !/status of (400|415) /.test(e))).toEqual([]);
  });
});
