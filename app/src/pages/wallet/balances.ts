/// <reference lib="dom" />
// One card per wallet account: available, posted and pending balances, and the account id to
// share (like an account number) with a copy button.
import { announce, h } from '../../dom.ts';
import { currencyExponent, formatMinor } from '../../money.ts';
import type { Account } from '../../types.ts';

export const money = (a: Account, minor: number) =>
  formatMinor(minor, currencyExponent(a.currency), a.currency);

function stat(label: string, key: string, value: string): HTMLElement {
  return h('div', {}, h('dt', {}, label), h('dd', { 'data-balance': key }, value));
}

async function copy(id: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(id);
    announce('Account id copied.');
  } catch {
    announce('Copy did not work; select the id and copy it.');
  }
}

export function accountCard(a: Account): HTMLElement {
  return h(
    'article',
    { class: 'card account', 'aria-label': `${a.currency} wallet`, 'data-account-id': a.id },
    h('h3', {}, `${a.currency} wallet`),
    h(
      'dl',
      {},
      stat('Available', 'available', money(a, a.available_minor)),
      stat('Posted', 'posted', money(a, a.posted_balance_minor)),
      stat('Pending out', 'pending-debits', money(a, a.pending_debits_minor)),
      stat('Pending in', 'pending-credits', money(a, a.pending_credits_minor)),
    ),
    h(
      'p',
      { class: 'account-id' },
      h('span', {}, 'Your account id (share it to receive money): '),
      h('code', { 'data-account-id-text': '' }, a.id),
      ' ',
      h('button', { type: 'button', class: 'secondary', onclick: () => void copy(a.id) }, 'Copy'),
    ),
  );
}
