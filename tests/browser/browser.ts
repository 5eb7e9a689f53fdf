// Headless Chromium (Debian's, driven by playwright-core) for the web app's end-to-end tests:
// launch, screenshots under .tallyq/test-results/browser/, and an axe-core accessibility check
// that fails on serious or critical violations.
import { mkdir, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { env } from '../support/stack.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const RESULTS = new URL('../../.tallyq/test-results/browser', import.meta.url).pathname;
export const PHONE = { width: 375, height: 740 };

export function appUrl(): string {
  return env('APP_URL');
}

export async function launch(): Promise<Browser> {
  await rm(RESULTS, { recursive: true, force: true }); // this run's screenshots only
  await mkdir(RESULTS, { recursive: true });
  return await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** A context that collects the page's console errors (a test may assert there are none). */
export async function newContext(
  browser: Browser,
  viewport = { width: 1280, height: 900 },
): Promise<{ context: BrowserContext; page: Page; consoleErrors: string[] }> {
  const context = await browser.newContext({ viewport, locale: 'en-GB', timezoneId: 'UTC' });
  const page = await context.newPage();
  const consoleErrors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  return { context, page, consoleErrors };
}

let step = 0;
/** A numbered full-page screenshot: the test's steps, in order, as artifacts. */
export async function screenshot(page: Page, name: string): Promise<string> {
  step += 1;
  const path = join(RESULTS, `${String(step).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

const require = createRequire(import.meta.url);
let axeSource: string | undefined;

export type AxeViolation = {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[] }[];
};

/**
 * Runs axe-core in the page (WCAG 2.1 A/AA rules and best practices) and returns the serious and
 * critical violations. Evaluated through the DevTools protocol, so the app's CSP stays strict.
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  axeSource ??= await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    // deno-lint-ignore no-explicit-any
    const w = globalThis as any;
    const r = await w.axe.run(w.document, {
      runOnly: {
        type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'],
      },
      resultTypes: ['violations'],
    });
    return r.violations.map((v: AxeViolation) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target })),
    }));
  }) as AxeViolation[];
  return result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** A readable list of violations for an assertion message. */
export function describeViolations(vs: AxeViolation[]): string {
  return vs.map((v) =>
    `${v.impact} ${v.id}: ${v.help} at ${JSON.stringify(v.nodes.map((n) => n.target))}`
  )
    .join('\n');
}

/** Signs in through the app's own form (supabase-js signInWithPassword underneath). */
export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto(`${appUrl()}/#/signin`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Receipts' }).waitFor();
}
