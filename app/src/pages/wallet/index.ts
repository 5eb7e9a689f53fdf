/// <reference lib="dom" />
// Wallet: balances (posted, pending, available), the account id to share, a transfer form whose
// errors read as sentences, and history with keyset paging.
import type { Page } from '../../app.ts';
import { announce, h, messageBox, mount, showMessage } from '../../dom.ts';
import type { Account } from '../../types.ts';
import { accountCard } from './balances.ts';
import { drawHistory } from './history.ts';
import { refreshFromOptions, transferForm } from './transfer-form.ts';

export const walletPage: Page = (main, ctx) => {
  const error = messageBox('error');
  showMessage(error, null);
  const fail = (message: string) => showMessage(error, message);
  const balances = h('div', { class: 'balances' });
  const transfer = h('section', { 'aria-labelledby': 'transfer-title' });
  const history = h('section', { 'aria-labelledby': 'history-title' });
  let form: HTMLElement | null = null;

  const open = async (currency: string) => {
    try {
      await ctx.api.post('/wallet/accounts', { currency });
      await refresh();
      announce(`Your ${currency} wallet is open.`);
    } catch (e) {
      fail((e as Error).message);
    }
  };

  const refresh = async (): Promise<void> => {
    let accounts: Account[];
    try {
      accounts = (await ctx.api.get<{ data: Account[] }>('/wallet/accounts')).data
        .filter((a) => a.kind === 'user');
    } catch (e) {
      return fail((e as Error).message);
    }
    showMessage(error, null);
    if (accounts.length === 0) {
      mount(
        balances,
        h('p', {}, 'You have no wallet yet.'),
        h('button', { type: 'button', onclick: () => void open('EUR') }, 'Open a EUR wallet'),
      );
      return;
    }
    mount(balances, accounts.map(accountCard));
    drawHistory(history, ctx.api, accounts[0], fail);
    const usable = accounts.filter((a) => !a.closed_at);
    if (form) refreshFromOptions(form, usable);
    else if (usable.length > 0) {
      form = transferForm(ctx.api, usable, refresh);
      mount(transfer, h('h2', { id: 'transfer-title' }, 'Send money'), form);
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
    transfer,
    history,
  );
  void refresh();
};
