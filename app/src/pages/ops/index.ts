/// <reference lib="dom" />
// Operations for organisation owners and admins: queue depth, in flight, dead letters with their
// reason and a replay button, recent alerts and health. Refreshes by polling with backoff.
import type { Page } from '../../app.ts';
import { startPolling } from '../../backoff.ts';
import { announce, h, messageBox, mount, showMessage } from '../../dom.ts';
import { renderOverview } from './overview.ts';
import { ApiError } from '../../errors.ts';
import type { OpsOverview, Organisation } from '../../types.ts';

const REMEMBER = 'tallyq.ops.organisation';

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

  const draw = (o: OpsOverview) => renderOverview(overview, o, replay);

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
