/// <reference lib="dom" />
// The transfer form: to another person's account id, an amount, a note. One Idempotency-Key per
// intended transfer (a new one when anything is edited or after success), so a retry after a
// network error can never pay twice. API refusals are shown as sentences (errors.ts).
import type { Api } from '../../api.ts';
import { announce, h, messageBox, showMessage } from '../../dom.ts';
import { currencyExponent, formatMinor } from '../../money.ts';
import { transferRequest } from '../../transfer.ts';
import type { Account } from '../../types.ts';
import { money } from './balances.ts';

const optionLabel = (a: Account) =>
  `${a.currency} wallet (${money(a, a.available_minor)} available)`;

/** The form; `onSent` refreshes the page's balances. */
export function transferForm(
  api: Api,
  accounts: Account[],
  onSent: () => Promise<void>,
): HTMLElement {
  const formError = messageBox('error');
  const done = messageBox('ok');
  showMessage(formError, null);
  showMessage(done, null);
  const from = h(
    'select',
    { id: 'from', name: 'from' },
    accounts.map((a) => h('option', { value: a.id }, optionLabel(a))),
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
    const source = accounts.find((a) => a.id === from.value) ?? accounts[0];
    const request = transferRequest(source, {
      to: to.value,
      amount: amount.value,
      note: note.value,
    });
    if (!request.ok) {
      showMessage(formError, request.message);
      return (request.field === 'to' ? to : amount).focus();
    }
    submit.disabled = true;
    try {
      await api.post('/wallet/transfers', request.body, { 'Idempotency-Key': key });
      key = crypto.randomUUID();
      const { amount_minor, currency } = request.body;
      const text = `Sent ${formatMinor(amount_minor, currencyExponent(currency), currency)}.`;
      form.reset();
      showMessage(done, text);
      await onSent();
      announce(text);
    } catch (err) {
      showMessage(formError, (err as Error).message);
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

/** Keeps what the user typed; refreshes the balances shown in the From list. */
export function refreshFromOptions(form: HTMLElement, accounts: Account[]): void {
  form.querySelectorAll('#from option').forEach((o) => {
    const a = accounts.find((x) => x.id === (o as HTMLOptionElement).value);
    if (a) o.textContent = optionLabel(a);
  });
}
