/// <reference lib="dom" />
// Operations for organisation owners and admins: queue depth, in flight, dead letters with their
// reason and a replay button, recent alerts and health. Refreshes by polling with backoff.
import type { Page } from '../app.ts';
import { startPolling } from '../backoff.ts';
import { announce, h, messageBox, mount, scrollable, showMessage } from '../dom.ts';
import { ApiError } from '../errors.ts';
import type { OpsOverview, Organisation } from '../types.ts';

const REMEMBER = 'tallyq.ops.organisation';

function age(seconds: number | null): string {
  if (seconds === null || seconds === undefined) return 'none waiting';
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${Math.round(seconds / 3600)} h`;
}

export const opsPage: Page = (main, ctx) => {
  const error = messageBox('error');
  const ok = messageBox('ok');
  showMessage(error, null);
  showMessage(ok, null);
  const orgSelect = h('select', { id: 'org', name: 'org' });
  const overview = h('div', { class: 'overview' });
  let org = '';
  let last = '';

  const replay = async (ids: string[]) => {
    showMessage(error, null);
    showMessage(ok, null);
    try {
      const res = await ctx.api.post<{ replayed: string[]; skipped?: string[] }>(
        `/ops/organisations/${org}/dead-letters/replay`,
        { receipt_ids: ids },
      );
      const n = res.replayed.length;
      const text = n
        ? `Replayed ${n} receipt${n > 1 ? 's' : ''}. They are back in the queue.`
        : 'Nothing was replayed: those receipts are no longer dead letters.';
      showMessage(ok, text);
      announce(text);
      poll.poke();
    } catch (e) {
      showMessage(error, (e as Error).message);
    }
  };

  const draw = (o: OpsOverview) => {
    const healthy = o.health.status === 'healthy';
    mount(
      overview,
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
        h('h2', { id: 'dlq-title' }, `Dead letters (${o.dead_letters.length})`),
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
  };

  const tick = async (): Promise<'changed' | 'same' | 'stop'> => {
    if (!org) return 'stop';
    try {
      const o = await ctx.api.get<OpsOverview>(`/ops/organisations/${org}/overview`);
      showMessage(error, null);
      const json = JSON.stringify(o);
      if (json === last) return 'same';
      last = json;
      draw(o);
      return 'changed';
    } catch (e) {
      mount(overview);
      last = '';
      showMessage(
        error,
        e instanceof ApiError && e.status === 403
          ? 'Only owners and admins of this organisation can see its operations.'
          : (e as Error).message,
      );
      return 'stop';
    }
  };
  let poll = startPolling(tick);

  const choose = (id: string) => {
    org = id;
    last = '';
    localStorage.setItem(REMEMBER, id);
    poll.stop();
    poll = startPolling(tick);
    poll.poke();
  };

  orgSelect.addEventListener('change', () => choose(orgSelect.value));
  const picker = h(
    'div',
    { class: 'inline' },
    h('label', { for: 'org' }, 'Organisation'),
    orgSelect,
  );

  mount(main, h('h1', {}, 'Operations'), picker, error, ok, overview);

  // The organisations the user may operate (owner or admin); the last one chosen comes first.
  void (async () => {
    let orgs: Organisation[];
    try {
      orgs = (await ctx.api.get<{ data: Organisation[] }>('/ops/organisations')).data
        .filter((o) => o.can_operate);
    } catch (e) {
      return showMessage(error, (e as Error).message);
    }
    if (orgs.length === 0) {
      mount(
        overview,
        h('p', {}, 'Operations are for owners and admins of an organisation, and you are neither.'),
      );
      return;
    }
    mount(
      orgSelect,
      orgs.map((o) => h('option', { value: o.id }, o.personal ? `${o.name} (personal)` : o.name)),
    );
    const remembered = localStorage.getItem(REMEMBER);
    const start = orgs.find((o) => o.id === remembered)?.id ?? orgs[0].id;
    orgSelect.value = start;
    choose(start);
  })();
  return () => poll.stop();
};
