/// <reference lib="dom" />
// Boot: read /config.json, create the supabase client (its own auth: sign-in, refresh, sign-out),
// then draw the page the URL's hash names. Signed-out visitors see the sign-in page.
import { createClient } from '@supabase/supabase-js';
import { createApi } from './api.ts';
import type { AppContext, Page } from './app.ts';
import { parseConfig } from './config.ts';
import { h, mount } from './dom.ts';
import { matchRoute } from './router.ts';
import { SIGNED_OUT_NOTICE, signInPage } from './pages/signin.ts';
import { receiptsPage } from './pages/receipts.ts';
import { receiptPage } from './pages/receipt/index.ts';
import { walletPage } from './pages/wallet/index.ts';
import { opsPage } from './pages/ops/index.ts';

const PAGES: Record<string, { page: Page; title: string }> = {
  signin: { page: signInPage, title: 'Sign in' },
  receipts: { page: receiptsPage, title: 'Receipts' },
  receipt: { page: receiptPage, title: 'Receipt' },
  wallet: { page: walletPage, title: 'Wallet' },
  ops: { page: opsPage, title: 'Operations' },
};

async function boot(): Promise<void> {
  const main = document.getElementById('main') as HTMLElement;
  let config;
  try {
    config = parseConfig(await (await fetch('/config.json')).json());
  } catch {
    mount(main, h('p', { role: 'alert' }, 'The app could not load its settings. Reload the page.'));
    return;
  }
  const supabase = createClient(config.supabaseUrl, config.supabaseAnonKey, {
    auth: { persistSession: true, autoRefreshToken: true, detectSessionInUrl: false },
  });
  const ctx: AppContext = {
    supabase,
    api: createApi(supabase, config.supabaseUrl, config.supabaseAnonKey, () => {
      sessionStorage.setItem(SIGNED_OUT_NOTICE, 'Your session has ended. Please sign in again.');
      void supabase.auth.signOut({ scope: 'local' });
    }),
    userId: null,
    go: (hash) => {
      if (location.hash === hash) void render();
      else location.hash = hash;
    },
  };
  let leave: (() => void) | void;

  async function render(): Promise<void> {
    if (leave) leave();
    leave = undefined;
    const { data } = await supabase.auth.getSession();
    ctx.userId = data.session?.user.id ?? null;
    let match = matchRoute(location.hash);
    if (!ctx.userId && match?.name !== 'signin') match = { name: 'signin', params: {} };
    if (ctx.userId && match?.name === 'signin') match = { name: 'receipts', params: {} };
    drawNav(ctx, data.session?.user.email ?? null, match?.name ?? '');
    if (!match) {
      document.title = 'Not found · tallyq';
      mount(
        main,
        h('h1', {}, 'Page not found'),
        h('p', {}, h('a', { href: '#/receipts' }, 'Go to your receipts')),
      );
      return;
    }
    const { page, title } = PAGES[match.name];
    document.title = `${title} · tallyq`;
    main.replaceChildren();
    leave = page(main, ctx, match.params);
    // move focus to the new page's heading, as a screen reader user expects after navigation
    const heading = main.querySelector('h1');
    if (heading) {
      heading.setAttribute('tabindex', '-1');
      heading.focus();
    }
  }

  supabase.auth.onAuthStateChange((event) => {
    if (event === 'SIGNED_OUT') setTimeout(() => ctx.go('#/signin'), 0);
  });
  addEventListener('hashchange', () => void render());
  await render();
}

function drawNav(ctx: AppContext, email: string | null, current: string): void {
  const nav = document.getElementById('nav') as HTMLElement;
  if (!email) return mount(nav);
  const link = (hash: string, name: string, label: string) =>
    h(
      'li',
      {},
      h('a', {
        href: hash,
        'aria-current': current === name || (name === 'receipts' && current === 'receipt')
          ? 'page'
          : undefined,
      }, label),
    );
  mount(
    nav,
    h(
      'ul',
      {},
      link('#/receipts', 'receipts', 'Receipts'),
      link('#/wallet', 'wallet', 'Wallet'),
      link('#/ops', 'ops', 'Operations'),
    ),
    h(
      'div',
      { class: 'who' },
      h('span', {}, email),
      h('button', {
        type: 'button',
        class: 'secondary',
        onclick: async () => {
          await ctx.supabase.auth.signOut();
          ctx.go('#/signin');
        },
      }, 'Sign out'),
    ),
  );
}

void boot();
