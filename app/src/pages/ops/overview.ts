/// <reference lib="dom" />
// The operations overview of one organisation: queue, health, dead letters (each with a Replay
// button) and recent alerts. Drawing only; the page fetches and replays.
import { h, mount, scrollable } from '../../dom.ts';
import type { OpsOverview } from '../../types.ts';

/** "42 s", "3 min", "2 h": how long the oldest message has waited. */
export function age(seconds: number | null): string {
  if (seconds === null || seconds === undefined) return 'none waiting';
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${Math.round(seconds / 3600)} h`;
}

/** Draws `o` into `target`; the Replay buttons call `replay` with receipt ids. */
export function renderOverview(
  target: HTMLElement,
  o: OpsOverview,
  replay: (receiptIds: string[]) => Promise<void>,
): void {
  const healthy = o.health.status === 'healthy';
  mount(
    target,
    h(
      'section',
      { 'aria-labelledby': 'queue-title', class: 'card' },
      h('h2', { id: 'queue-title' }, 'Queue'),
      h(
        'dl',
        { class: 'stats' },
        h(
          'div',
          {},
          h('dt', {}, 'Waiting'),
          h('dd', { 'data-stat': 'depth' }, String(o.queue.depth)),
        ),
        h(
          'div',
          {},
          h('dt', {}, 'In flight'),
          h('dd', { 'data-stat': 'in-flight' }, String(o.queue.in_flight)),
        ),
        h('div', {}, h('dt', {}, 'Oldest waiting'), h('dd', {}, age(o.queue.oldest_age_seconds))),
        h(
          'div',
          {},
          h('dt', {}, 'Health'),
          h('dd', { class: healthy ? 'good' : 'bad', 'data-stat': 'health' }, o.health.status),
        ),
      ),
    ),
    h(
      'section',
      { 'aria-labelledby': 'dlq-title' },
      h(
        'h2',
        { id: 'dlq-title' },
        `Dead letters (${o.dead_letters_total ?? o.dead_letters.length})`,
      ),
      o.dead_letters.length === 0
        ? h(
          'p',
          { class: 'muted' },
          'No dead letters. Every receipt was read or is still in the queue.',
        )
        : scrollable(
          'Dead letters',
          h(
            'table',
            { class: 'dead-letters' },
            h('caption', { class: 'visually-hidden' }, 'Receipts that failed for good'),
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                ...['Receipt', 'Reason', 'Attempts', 'Failed at', 'Action'].map((t) =>
                  h('th', { scope: 'col' }, t)
                ),
              ),
            ),
            h(
              'tbody',
              {},
              o.dead_letters.map((d) =>
                h(
                  'tr',
                  { 'data-receipt-id': d.receipt_id },
                  h(
                    'td',
                    {},
                    h(
                      'a',
                      { href: `#/receipts/${d.receipt_id}` },
                      d.original_filename ?? d.receipt_id,
                    ),
                  ),
                  h('td', {}, d.reason ?? 'No reason recorded'),
                  h('td', { class: 'num' }, String(d.attempts)),
                  h('td', {}, new Date(d.failed_at).toLocaleString()),
                  h(
                    'td',
                    {},
                    h('button', {
                      type: 'button',
                      'aria-label': `Replay ${d.original_filename ?? d.receipt_id}`,
                      onclick: () => void replay([d.receipt_id]),
                    }, 'Replay'),
                  ),
                )
              ),
            ),
          ),
        ),
      o.dead_letters.length > 1
        ? h('button', {
          type: 'button',
          class: 'secondary',
          onclick: () => void replay(o.dead_letters.map((d) => d.receipt_id)),
        }, 'Replay all')
        : null,
    ),
    h(
      'section',
      { 'aria-labelledby': 'alerts-title' },
      h('h2', { id: 'alerts-title' }, 'Recent alerts'),
      o.alerts.length === 0 ? h('p', { class: 'muted' }, 'No recent alerts.') : h(
        'ul',
        { class: 'alerts' },
        o.alerts.map((a) =>
          h(
            'li',
            { class: `alert ${a.severity} ${a.status}` },
            h('strong', {}, `${a.severity}: ${a.rule}`),
            ` — ${a.message} `,
            h(
              'span',
              { class: 'muted' },
              a.status === 'resolved' && a.resolved_at
                ? `resolved ${new Date(a.resolved_at).toLocaleString()}`
                : `since ${new Date(a.fired_at).toLocaleString()}`,
            ),
          )
        ),
      ),
    ),
  );
}
