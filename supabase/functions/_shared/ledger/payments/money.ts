// What a verified provider event means for money (pure): the provider-shaped records to keep, and
// the provider-neutral payment or refund it reports. private.apply_money_batch applies it order-
// safely and moves money once (supabase/migrations/20261128210135_payment_ledger.sql).
//
// Who is paying: Stripe `metadata.tallyq_user_id` (set when the app creates the PaymentIntent),
// MoMo `externalId`, Revolut `reference` (the first UUID in it). Anything else is recorded but
// funds no wallet.
import { toMinorUnits } from './minor-units.ts';

export type PaymentStatus = 'pending' | 'succeeded' | 'failed' | 'canceled';

export type MoneyProjection = {
  records: { table: string; row: Record<string, unknown> }[];
  payment?: {
    provider_payment_id: string;
    user_id: string | null;
    amount_minor: number | null;
    currency: string | null;
    status: PaymentStatus;
  };
  refund?: {
    provider_refund_id: string;
    provider_payment_id: string;
    amount_minor: number;
    currency: string;
    status: PaymentStatus;
    reason: string | null;
  };
};

export type MoneyEvent = {
  provider: string;
  event_id: string;
  event_type: string;
  payload: Record<string, unknown>;
};

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);
const int = (v: unknown): number | null => (Number.isSafeInteger(v) ? v as number : null);
/** Stripe fields may be an id or the expanded object. */
const ref = (v: unknown): string | null => str(v) ?? (isObj(v) ? str(v.id) : null);
const iso = (seconds: unknown) =>
  typeof seconds === 'number' ? new Date(seconds * 1000).toISOString() : null;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
const userIn = (v: unknown): string | null => str(v)?.match(UUID)?.[0].toLowerCase() ?? null;
const upper = (v: unknown) => str(v)?.toUpperCase() ?? null;

export class UninterpretableMoneyEvent extends Error {
  override name = 'UninterpretableMoneyEvent';
}

function need<T>(value: T | null, what: string): T {
  if (value === null) throw new UninterpretableMoneyEvent(`${what} is missing or malformed`);
  return value;
}

// ---------------------------------------------------------------------------------------------
// Stripe
// ---------------------------------------------------------------------------------------------

function stripePaymentIntent(type: string, pi: Obj): MoneyProjection {
  const id = need(str(pi.id), 'payment_intent.id');
  const currency = need(upper(pi.currency), 'payment_intent.currency');
  const amount = need(int(pi.amount), 'payment_intent.amount');
  const received = int(pi.amount_received) ?? 0;
  const metadata = isObj(pi.metadata) ? pi.metadata : {};
  const user = userIn(metadata.tallyq_user_id);
  const status: PaymentStatus = pi.status === 'succeeded'
    ? 'succeeded'
    : pi.status === 'canceled'
    ? 'canceled'
    : type === 'payment_intent.payment_failed'
    ? 'failed'
    : 'pending';
  return {
    records: [{
      table: 'payment_intents',
      row: {
        id,
        amount_minor: amount,
        amount_received_minor: received,
        currency,
        status: need(str(pi.status), 'payment_intent.status'),
        customer: ref(pi.customer),
        latest_charge: ref(pi.latest_charge),
        invoice: ref(pi.invoice),
        description: str(pi.description),
        metadata,
        livemode: pi.livemode === true,
        user_id: user,
        provider_created_at: iso(pi.created),
      },
    }],
    payment: {
      provider_payment_id: id,
      user_id: user,
      amount_minor: status === 'succeeded' && received > 0 ? received : amount,
      currency,
      status,
    },
  };
}

function stripeCharge(charge: Obj): MoneyProjection {
  const metadata = isObj(charge.metadata) ? charge.metadata : {};
  const captured = int(charge.amount_captured) ?? 0;
  const status: PaymentStatus = charge.status === 'succeeded' && charge.captured !== false
    ? 'succeeded'
    : charge.status === 'failed'
    ? 'failed'
    : 'pending';
  return {
    records: [],
    payment: {
      // The payment is the PaymentIntent when there is one, so its events and the charge's meet.
      provider_payment_id: need(ref(charge.payment_intent) ?? str(charge.id), 'charge.id'),
      user_id: userIn(metadata.tallyq_user_id),
      amount_minor: captured > 0 ? captured : need(int(charge.amount), 'charge.amount'),
      currency: need(upper(charge.currency), 'charge.currency'),
      status,
    },
  };
}

function stripeRefund(refund: Obj): MoneyProjection {
  const status: PaymentStatus = refund.status === 'succeeded'
    ? 'succeeded'
    : refund.status === 'failed'
    ? 'failed'
    : refund.status === 'canceled'
    ? 'canceled'
    : 'pending';
  return {
    records: [],
    refund: {
      provider_refund_id: need(str(refund.id), 'refund.id'),
      provider_payment_id: need(ref(refund.payment_intent) ?? ref(refund.charge), 'refund.charge'),
      amount_minor: need(int(refund.amount), 'refund.amount'),
      currency: need(upper(refund.currency), 'refund.currency'),
      status,
      reason: str(refund.reason),
    },
  };
}

function stripeInvoice(inv: Obj): MoneyProjection {
  const metadata = isObj(inv.metadata) ? inv.metadata : {};
  const parent = isObj(inv.parent) && isObj(inv.parent.subscription_details)
    ? inv.parent.subscription_details
    : {};
  return {
    records: [{
      table: 'invoices',
      row: {
        id: need(str(inv.id), 'invoice.id'),
        customer: ref(inv.customer),
        subscription: ref(inv.subscription) ?? ref(parent.subscription),
        payment_intent: ref(inv.payment_intent),
        status: str(inv.status),
        amount_due_minor: int(inv.amount_due) ?? 0,
        amount_paid_minor: int(inv.amount_paid) ?? 0,
        amount_remaining_minor: int(inv.amount_remaining) ?? 0,
        currency: need(upper(inv.currency), 'invoice.currency'),
        period_start: iso(inv.period_start),
        period_end: iso(inv.period_end),
        user_id: userIn(metadata.tallyq_user_id),
      },
    }],
  };
}

function stripeSubscription(sub: Obj): MoneyProjection {
  const metadata = isObj(sub.metadata) ? sub.metadata : {};
  const items = isObj(sub.items) && Array.isArray(sub.items.data) ? sub.items.data : [];
  return {
    records: [{
      table: 'subscriptions',
      row: {
        id: need(str(sub.id), 'subscription.id'),
        customer: ref(sub.customer),
        status: need(str(sub.status), 'subscription.status'),
        currency: need(upper(sub.currency), 'subscription.currency'),
        current_period_start: iso(sub.current_period_start),
        current_period_end: iso(sub.current_period_end),
        cancel_at_period_end: sub.cancel_at_period_end === true,
        canceled_at: iso(sub.canceled_at),
        items: items.filter(isObj).map((i) => ({
          id: str(i.id),
          price: ref(i.price),
          quantity: int(i.quantity),
        })),
        user_id: userIn(metadata.tallyq_user_id),
      },
    }],
  };
}

export function stripeMoney(event: MoneyEvent): MoneyProjection | null {
  const data = event.payload.data;
  const object = isObj(data) && isObj(data.object) ? data.object : null;
  if (!object) return null;
  const type = event.event_type;
  if (object.object === 'payment_intent') return stripePaymentIntent(type, object);
  if (
    object.object === 'charge' && type.startsWith('charge.') && !type.startsWith('charge.dispute')
  ) {
    return stripeCharge(object);
  }
  if (object.object === 'refund') return stripeRefund(object);
  if (object.object === 'invoice') return stripeInvoice(object);
  if (object.object === 'subscription') return stripeSubscription(object);
  return null;
}

// ---------------------------------------------------------------------------------------------
// MTN MoMo
// ---------------------------------------------------------------------------------------------

export function momoMoney(event: MoneyEvent): MoneyProjection {
  const p = event.payload;
  const cb = need(isObj(p.callback) ? p.callback : null, 'callback');
  const referenceId = need(str(p.reference_id), 'reference_id');
  const product = p.product === 'disbursement' ? 'disbursement' : 'collection';
  const currency = need(upper(cb.currency), 'currency');
  const amount = toMinorUnits(
    need(str(cb.amount) ?? (typeof cb.amount === 'number' ? cb.amount : null), 'amount'),
    currency,
  );
  const party = isObj(cb.payer) ? cb.payer : isObj(cb.payee) ? cb.payee : {};
  const status = need(str(cb.status), 'status');
  const user = userIn(cb.externalId);
  const projection: MoneyProjection = {
    records: [{
      table: 'momo_transactions',
      row: {
        id: referenceId,
        product,
        financial_transaction_id: str(cb.financialTransactionId),
        external_id: str(cb.externalId),
        amount_minor: amount,
        currency,
        party_id_type: str(party.partyIdType),
        party_id: str(party.partyId),
        payer_message: str(cb.payerMessage),
        payee_note: str(cb.payeeNote),
        status,
        reason: str(cb.reason) ?? (isObj(cb.reason) ? JSON.stringify(cb.reason) : null),
        user_id: user,
      },
    }],
  };
  // Collections are money in; disbursements (payouts) are recorded only.
  if (product === 'collection') {
    projection.payment = {
      provider_payment_id: referenceId,
      user_id: user,
      amount_minor: amount,
      currency,
      status: status === 'SUCCESSFUL' ? 'succeeded' : status === 'FAILED' ? 'failed' : 'pending',
    };
  }
  return projection;
}

// ---------------------------------------------------------------------------------------------
// Revolut Business
// ---------------------------------------------------------------------------------------------

const revolutStatus = (state: string | null): PaymentStatus =>
  state === 'completed'
    ? 'succeeded'
    : state === 'declined' || state === 'failed'
    ? 'failed'
    : state === 'reverted'
    ? 'canceled'
    : 'pending';

export function revolutMoney(event: MoneyEvent): MoneyProjection | null {
  const data = need(isObj(event.payload.data) ? event.payload.data : null, 'data');
  const id = need(str(data.id), 'data.id');
  if (event.event_type === 'TransactionStateChanged') {
    const state = need(str(data.new_state), 'data.new_state');
    return {
      records: [{ table: 'revolut_transactions', row: { id, state } }],
      payment: {
        provider_payment_id: id,
        user_id: null,
        amount_minor: null,
        currency: null,
        status: revolutStatus(state),
      },
    };
  }
  if (event.event_type !== 'TransactionCreated') return null;
  const legs = Array.isArray(data.legs) ? data.legs.filter(isObj) : [];
  const leg = legs[0] ?? {};
  const currency = upper(leg.currency);
  const amount = currency && (typeof leg.amount === 'number' || typeof leg.amount === 'string')
    ? toMinorUnits(leg.amount, currency)
    : null;
  const state = need(str(data.state), 'data.state');
  const user = userIn(data.reference);
  const projection: MoneyProjection = {
    records: [{
      table: 'revolut_transactions',
      row: {
        id,
        type: str(data.type),
        state,
        request_id: str(data.request_id),
        reference: str(data.reference),
        account_id: str(leg.account_id),
        amount_minor: amount,
        currency,
        counterparty: isObj(leg.counterparty) ? leg.counterparty : null,
        description: str(leg.description),
        provider_created_at: str(data.created_at),
        completed_at: str(data.completed_at),
        user_id: user,
      },
    }],
  };
  // Money in (a positive leg) is a payment; money out is a payout, recorded only.
  if (amount !== null && amount > 0) {
    projection.payment = {
      provider_payment_id: id,
      user_id: user,
      amount_minor: amount,
      currency,
      status: revolutStatus(state),
    };
  }
  return projection;
}

/** The money projection of any stored webhook event, or null when it moves none. */
export function projectMoney(event: MoneyEvent): MoneyProjection | null {
  if (event.provider === 'stripe') return stripeMoney(event);
  if (event.provider === 'momo') return momoMoney(event);
  if (event.provider === 'revolut') return revolutMoney(event);
  return null;
}
