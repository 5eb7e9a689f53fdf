// The payments domain as the webhook processor sees it: an event's money projection, with events
// that can never be interpreted (no amount, a sub-minor amount) turned into permanent failures
// (dead-lettered at once) instead of retried.
import { PermanentEventError } from '../webhooks/processor/processor.ts';
import { InvalidAmount } from './minor-units.ts';
import { type MoneyEvent, projectMoney, UninterpretableMoneyEvent } from './money.ts';

export function moneyProjector(event: MoneyEvent): Record<string, unknown> | null {
  try {
    return projectMoney(event);
  } catch (err) {
    if (err instanceof UninterpretableMoneyEvent || err instanceof InvalidAmount) {
      throw new PermanentEventError(`${event.provider} event ${event.event_id}: ${err.message}`);
    }
    throw err;
  }
}
