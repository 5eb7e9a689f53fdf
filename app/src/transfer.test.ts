import { describe, expect, it } from 'vitest';
import { transferRequest } from './transfer.ts';

const eur = { id: '11111111-1111-4111-8111-111111111111', currency: 'EUR' };
const to = '22222222-2222-4222-8222-222222222222';

describe('app - transfer form', () => {
  it('builds the wallet body: amount in minor units, the source currency, the note if any', () => {
    expect(transferRequest(eur, { to: ` ${to.toUpperCase()} `, amount: '12.34', note: ' Lunch ' }))
      .toEqual({
        ok: true,
        body: {
          from_account_id: eur.id,
          to_account_id: to,
          amount_minor: 1234,
          currency: 'EUR',
          description: 'Lunch',
        },
      });
    const plain = transferRequest(eur, { to, amount: '5', note: '' });
    expect(plain.ok && plain.body).toEqual({
      from_account_id: eur.id,
      to_account_id: to,
      amount_minor: 500,
      currency: 'EUR',
    });
  });

  it('a zero-decimal currency takes whole units', () => {
    const r = transferRequest({ id: eur.id, currency: 'JPY' }, { to, amount: '1250', note: '' });
    expect(r.ok && r.body.amount_minor).toBe(1250);
    const bad = transferRequest({ id: eur.id, currency: 'JPY' }, { to, amount: '12.50', note: '' });
    expect(bad).toEqual({
      ok: false,
      field: 'amount',
      message: 'Enter an amount greater than zero, like 1250.',
    });
  });

  it('refuses, naming the field, what the API would refuse anyway', () => {
    expect(transferRequest(eur, { to: 'bob@example.com', amount: '1', note: '' })).toMatchObject({
      ok: false,
      field: 'to',
    });
    expect(transferRequest(eur, { to: eur.id, amount: '1', note: '' })).toEqual({
      ok: false,
      field: 'to',
      message: 'You cannot send money to the account it comes from.',
    });
    for (const amount of ['', '0', '0.00', '-1', '1.234', 'ten']) {
      expect(transferRequest(eur, { to, amount, note: '' })).toMatchObject({
        ok: false,
        field: 'amount',
      });
    }
  });
});
