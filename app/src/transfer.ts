// The transfer form's request: checks what a person typed before anything is sent, and builds the
// wallet API's body (amount in the source currency's minor units, parsed without floats).
import { currencyExponent, parseMinor } from './money.ts';
import type { Account } from './types.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type TransferBody = {
  from_account_id: string;
  to_account_id: string;
  amount_minor: number;
  currency: string;
  description?: string;
};

export type TransferInput = { to: string; amount: string; note: string };

export type TransferRequest =
  | { ok: true; body: TransferBody }
  | { ok: false; field: 'to' | 'amount'; message: string };

export function transferRequest(
  source: Pick<Account, 'id' | 'currency'>,
  input: TransferInput,
): TransferRequest {
  const to = input.to.trim().toLowerCase();
  if (!UUID.test(to)) {
    return {
      ok: false,
      field: 'to',
      message: 'Enter the account id exactly as the recipient shared it (36 characters).',
    };
  }
  if (to === source.id.toLowerCase()) {
    return {
      ok: false,
      field: 'to',
      message: 'You cannot send money to the account it comes from.',
    };
  }
  const minor = parseMinor(input.amount, currencyExponent(source.currency));
  if (minor === null || minor <= 0) {
    const example = currencyExponent(source.currency) === 0 ? '1250' : '12.50';
    return {
      ok: false,
      field: 'amount',
      message: `Enter an amount greater than zero, like ${example}.`,
    };
  }
  const note = input.note.trim();
  return {
    ok: true,
    body: {
      from_account_id: source.id,
      to_account_id: to,
      amount_minor: minor,
      currency: source.currency,
      ...(note ? { description: note } : {}),
    },
  };
}
