/// <reference lib="dom" />
// Wallet: balances (posted, pending, available), the account id to share (like an account
// number), history with keyset paging, and a transfer form whose errors read as sentences.
import type { Page } from '../app.ts';
import { announce, h, messageBox, mount, scrollable, showMessage } from '../dom.ts';
import { currencyExponent, formatMinor, parseMinor } from '../money.ts';
import type { Account, Entry, Page as ApiPage } from '../types.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const walletPage: Page = (main, ctx) => {
  const error = messageBox('error');
  showMessage(error, null);
  const balances = h('div', { class: 'balances' });
  const historySection = h('section', { 'aria-labelledby': 'history-title' });
  const transferSection = h('section', { 'aria-labelledby': 'transfer-title' });
  let accounts: Account[] = [];

  const money = (a: Account, v: number) => formatMinor(v, currencyExponent(a.currency), a.currency);

  const drawBalances = () => {
    if (accounts.length === 0) {
      mount(
        balances,
        h('p', {}, 'You have no wallet yet.'),
        h('button', { type: 'button', onclick: () => void open('EUR') }, 'Open a EUR wallet'),
      );
      return;
    }
    mount(
      balances,
      accounts.map((a) =>
        h(
          'article',
          { class: 'card account', 'aria-label': `${a.currency} wallet`, 'data-account-id': a.id },
          h('h3', {}, `${a.currency} wallet`),
          h(
            'dl',
            {},
            h(
              'div',
              {},
              h('dt', {}, 'Available'),
              h('dd', { 'data-balance': 'available' }, money(a, a.available_minor)),
            ),
            h(
              'div',
              {},
              h('dt', {}, 'Posted'),
              h('dd', { 'data-balance': 'posted' }, money(a, a.posted_balance_minor)),
            ),
            h(
              'div',
              {},
              h('dt', {}, 'Pending out'),
              h('dd', { 'data-balance': 'pending-debits' }, money(a, a.pending_debits_minor)),
            ),
            h(
              'div',
              {},
              h('dt', {}, 'Pending in'),
              h('dd', { 'data-balance': 'pending-credits' }, money(a, a.pending_credits_minor)),
            ),
          ),
          h(
            'p',
            { class: 'account-id' },
            h('span', {}, 'Your account id (share it to receive money): '),
            h('code', { 'data-account-id-text': '' }, a.id),
            ' ',
            h('button', {
              type: 'button',
              class: 'secondary',
              onclick: async () => {
                try {
                  await navigator.clipboard.writeText(a.id);
                  announce('Account id copied.');
                } catch {
                  announce('Copy did not work; select the id and copy it.');
                }
              },
            }, 'Copy'),
          ),
        )
      ),
    );
  };

  const drawHistory = (account: Account) => {
    const list = h('tbody');
    const more = h('button', { type: 'button', class: 'secondary', hidden: true }, 'Show older');
    let cursor: string | null = null;
    const loadPage = async () => {
      try {
        const q = `limit=20${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
        const page = await ctx.api.get<ApiPage<Entry>>(
          `/wallet/accounts/${account.id}/entries?${q}`,
        );
        list.append(...page.data.map((e) =>
          h(
            'tr',
            {},
            h('td', {}, new Date(e.created_at).toLocaleString()),
            h('td', {}, e.description ?? (e.amount_minor < 0 ? 'Sent' : 'Received')),
            h(
              'td',
              { class: `num ${e.amount_minor < 0 ? 'out' : 'in'}` },
              formatMinor(e.amount_minor, currencyExponent(e.currency), e.currency),
            ),
            h(
              'td',
              { class: 'num' },
              formatMinor(e.balance_after_minor, currencyExponent(e.currency), e.currency),
            ),
          )
        ));
        cursor = page.next_cursor;
        more.hidden = !cursor;
      } catch (e) {
        showMessage(error, (e as Error).message);
      }
    };
    more.addEventListener('click', () => void loadPage());
    mount(
      historySection,
      h('h2', { id: 'history-title' }, 'History'),
      scrollable(
        'Wallet history',
        h(
          'table',
          {},
          h(
            'caption',
            { class: 'visually-hidden' },
            `${account.currency} wallet history, newest first`,
          ),
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ...['When', 'What', 'Amount', 'Balance after'].map((t) =>
                h('th', { scope: 'col' }, t)
              ),
            ),
          ),
          list,
        ),
      ),
      more,
    );
    void loadPage();
  };

  const drawTransfer = () => {
    const usable = accounts.filter((a) => !a.closed_at);
    if (usable.length === 0) return mount(transferSection);
    const formError = messageBox('error');
    const done = messageBox('ok');
    showMessage(formError, null);
    showMessage(done, null);
    const from = h(
      'select',
      { id: 'from', name: 'from' },
      usable.map((a) =>
        h(
          'option',
          { value: a.id },
          `${a.currency} wallet (${money(a, a.available_minor)} available)`,
        )
      ),
    );
    const to = h('input', {
      id: 'to',
      name: 'to',
      autocomplete: 'off',
      spellcheck: 'false',
      'aria-describedby': 'to-hint',
    });
    const amount = h('input', {
      id: 'amount',
      name: 'amount',
      inputmode: 'decimal',
      'aria-describedby': 'amount-hint',
    });
    const note = h('input', { id: 'description', name: 'description', maxlength: 500 });
    const submit = h('button', { type: 'submit' }, 'Send');
    // One key per intended transfer: a retry after a network error cannot pay twice.
    let key = crypto.randomUUID();
    const form = h(
      'form',
      { class: 'card', novalidate: true },
      h('label', { for: 'from' }, 'From'),
      from,
      h('label', { for: 'to' }, 'To account id'),
      to,
      h(
        'span',
        { id: 'to-hint', class: 'hint' },
        'Ask the person for the account id shown on their wallet page.',
      ),
      h('label', { for: 'amount' }, 'Amount'),
      amount,
      h('span', { id: 'amount-hint', class: 'hint' }, 'For example 12.50'),
      h('label', { for: 'description' }, 'Note (optional)'),
      note,
      formError,
      done,
      submit,
    );
    for (const el of [from, to, amount, note]) {
      el.addEventListener('input', () => (key = crypto.randomUUID()));
    }
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      showMessage(formError, null);
      showMessage(done, null);
      const source = usable.find((a) => a.id === from.value) ?? usable[0];
      const target = to.value.trim();
      if (!UUID.test(target)) {
        showMessage(
          formError,
          'Enter the account id exactly as the recipient shared it (36 characters).',
        );
        return to.focus();
      }
      const minor = parseMinor(amount.value, currencyExponent(source.currency));
      if (minor === null || minor <= 0) {
        showMessage(formError, 'Enter an amount greater than zero, like 12.50.');
        return amount.focus();
      }
      submit.disabled = true;
      try {
        await ctx.api.post('/wallet/transfers', {
          from_account_id: source.id,
          to_account_id: target,
          amount_minor: minor,
          currency: source.currency,
          ...(note.value.trim() ? { description: note.value.trim() } : {}),
        }, { 'Idempotency-Key': key });
        key = crypto.randomUUID();
        const text = `Sent ${
          formatMinor(minor, currencyExponent(source.currency), source.currency)
        }.`;
        form.reset();
        showMessage(done, text);
        await refresh();
        announce(text);
      } catch (err) {
        showMessage(formError, (err as Error).message);
      } finally {
        submit.disabled = false;
      }
    });
    mount(transferSection, h('h2', { id: 'transfer-title' }, 'Send money'), form);
  };

  const refresh = async () => {
    try {
      const res = await ctx.api.get<{ data: Account[] }>('/wallet/accounts');
      accounts = res.data.filter((a) => a.kind === 'user');
      showMessage(error, null);
      drawBalances();
      if (accounts[0]) drawHistory(accounts[0]);
      if (!transferSection.hasChildNodes()) drawTransfer();
      else {
        // keep what the user typed; refresh the balances shown in the From list
        const select = transferSection.querySelector('select');
        select?.querySelectorAll('option').forEach((o) => {
          const a = accounts.find((x) => x.id === o.value);
          if (a) o.textContent = `${a.currency} wallet (${money(a, a.available_minor)} available)`;
        });
      }
    } catch (e) {
      showMessage(error, (e as Error).message);
    }
  };

  const open = async (currency: string) => {
    try {
      await ctx.api.post('/wallet/accounts', { currency });
      await refresh();
      announce(`Your ${currency} wallet is open.`);
    } catch (e) {
      showMessage(error, (e as Error).message);
    }
  };

  mount(
    main,
    h('h1', {}, 'Wallet'),
    error,
    h(
      'section',
      { 'aria-labelledby': 'balances-title' },
      h('h2', { id: 'balances-title' }, 'Balances'),
      balances,
    ),
    transferSection,
    historySection,
  );
  void refresh();
};
