/// <reference lib="dom" />
// An account's entries, newest first, a page at a time (keyset paging: "Show older" follows the
// API's next_cursor, so a page never shifts when new entries arrive).
import type { Api } from '../../api.ts';
import { h, scrollable } from '../../dom.ts';
import { currencyExponent, formatMinor } from '../../money.ts';
import type { Account, Entry, Page } from '../../types.ts';

function entryRow(e: Entry): HTMLElement {
  const fmt = (minor: number) => formatMinor(minor, currencyExponent(e.currency), e.currency);
  return h(
    'tr',
    {},
    h('td', {}, new Date(e.created_at).toLocaleString()),
    h('td', {}, e.description ?? (e.amount_minor < 0 ? 'Sent' : 'Received')),
    h('td', { class: `num ${e.amount_minor < 0 ? 'out' : 'in'}` }, fmt(e.amount_minor)),
    h('td', { class: 'num' }, fmt(e.balance_after_minor)),
  );
}

/** Draws the history of `account` into `section`; errors go to `onError`. */
export function drawHistory(
  section: HTMLElement,
  api: Api,
  account: Account,
  onError: (message: string) => void,
): void {
  const list = h('tbody');
  const more = h('button', { type: 'button', class: 'secondary', hidden: true }, 'Show older');
  let cursor: string | null = null;
  const loadPage = async () => {
    try {
      const q = `limit=20${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page = await api.get<Page<Entry>>(`/wallet/accounts/${account.id}/entries?${q}`);
      list.append(...page.data.map(entryRow));
      cursor = page.next_cursor;
      more.hidden = !cursor;
    } catch (e) {
      onError((e as Error).message);
    }
  };
  more.addEventListener('click', () => void loadPage());
  const head = ['When', 'What', 'Amount', 'Balance after'].map((t, i) =>
    h('th', { scope: 'col', class: i >= 2 ? 'num' : undefined }, t)
  );
  section.replaceChildren(
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
        h('thead', {}, h('tr', {}, ...head)),
        list,
      ),
    ),
    more,
  );
  void loadPage();
}
