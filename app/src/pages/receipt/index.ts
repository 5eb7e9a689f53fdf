/// <reference lib="dom" />
// One receipt: the image beside the extracted fields with their confidence (low ones highlighted
// in colour and in words); the user corrects fields and confirms through the corrections API.
import type { Page } from '../../app.ts';
import { startPolling } from '../../backoff.ts';
import { announce, h, messageBox, mount, showMessage } from '../../dom.ts';
import { formatMinor } from '../../money.ts';
import { isInFlight, statusLabel } from '../../status.ts';
import type { Receipt } from '../../types.ts';
import { diffFields, type EditableField, fieldLabel, FIELDS } from '../../corrections.ts';
import { fieldRow } from './fields.ts';

type Event = { id: number; event_type: string; to_status: string | null; created_at: string };
type Correction = {
  id: number;
  field: string;
  old_value: string | null;
  new_value: string | null;
  corrected_by: string | null;
  corrected_at: string;
};
type ReceiptWithEvents = Receipt & { events?: Event[]; corrections?: Correction[] };

export const receiptPage: Page = (main, ctx, params) => {
  const id = params.id;
  const error = messageBox('error');
  const saved = messageBox('ok');
  showMessage(error, null);
  showMessage(saved, null);
  const status = h('p', { class: 'receipt-status', role: 'status' });
  const figure = h(
    'figure',
    { class: 'receipt-image' },
    h('p', { class: 'muted' }, 'Loading the image…'),
  );
  const form = h('form', { class: 'fields', 'aria-labelledby': 'fields-title', novalidate: true });
  const history = h('ol', { class: 'history' });
  const corrections = h('ul', { class: 'corrections' });
  const correctionsBox = h(
    'section',
    { 'aria-labelledby': 'corrections-title' },
    h('h2', { id: 'corrections-title' }, 'Corrections'),
    corrections,
  );
  let current: ReceiptWithEvents | null = null;
  let objectUrl: string | null = null;

  const loadImage = async (r: Receipt) => {
    try {
      const blob = await ctx.api.blob(`/receipts/${id}/file`);
      objectUrl = URL.createObjectURL(blob);
      const name = r.original_filename ?? 'receipt';
      mount(
        figure,
        r.content_type === 'application/pdf'
          ? h('object', {
            data: objectUrl,
            type: 'application/pdf',
            'aria-label': `Receipt ${name}`,
          }, h('a', { href: objectUrl }, 'Open the PDF'))
          : h('img', { src: objectUrl, alt: `The uploaded receipt ${name}` }),
        h('figcaption', {}, name),
      );
    } catch (e) {
      mount(
        figure,
        h('p', { class: 'message error' }, `The image could not be shown: ${(e as Error).message}`),
      );
    }
  };

  const drawFields = (r: Receipt) => {
    const editable = !isInFlight(r.status);
    const rows = FIELDS.map((f) => fieldRow(f, r, editable));
    mount(
      form,
      ...rows,
      h(
        'p',
        { class: 'muted' },
        'Correct anything that is wrong, then confirm. Amounts are in ',
        r.fields.currency ?? 'the receipt currency',
        '.',
      ),
      error,
      saved,
      h('button', { type: 'submit', disabled: !editable }, 'Save and confirm'),
    );
  };

  const drawStatus = (r: ReceiptWithEvents) => {
    const total = formatMinor(r.fields.total, r.fields.currency_minor_unit, r.fields.currency);
    mount(
      status,
      h('span', { class: `status ${r.status}` }, statusLabel(r.status)),
      ` · Total ${total}`,
    );
    mount(
      history,
      (r.events ?? []).map((e) =>
        h(
          'li',
          {},
          `${new Date(e.created_at).toLocaleString()}: ${e.event_type.replace(/_/g, ' ')}`,
          e.to_status ? ` → ${statusLabel(e.to_status)}` : '',
        )
      ),
    );
    mount(
      corrections,
      (r.corrections ?? []).map((c) =>
        h(
          'li',
          { 'data-correction-field': c.field },
          `${fieldLabel(c.field)}: “${c.old_value ?? 'empty'}” → “${c.new_value ?? 'empty'}”, by `,
          c.corrected_by === ctx.userId ? 'you' : 'another member',
          `, ${new Date(c.corrected_at).toLocaleString()}`,
        )
      ),
    );
    correctionsBox.hidden = (r.corrections ?? []).length === 0;
  };

  const load = async (): Promise<'changed' | 'same' | 'stop'> => {
    const r = await ctx.api.get<ReceiptWithEvents>(`/receipts/${id}?include=events,corrections`);
    const changed = !current || current.status !== r.status;
    if (current && changed) announce(`The receipt is now ${statusLabel(r.status).toLowerCase()}.`);
    const first = !current;
    current = r;
    drawStatus(r);
    if (changed) drawFields(r);
    if (first) void loadImage(r);
    return isInFlight(r.status) ? (changed ? 'changed' : 'same') : 'stop';
  };

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!current) return;
    showMessage(error, null);
    showMessage(saved, null);
    const values: Partial<Record<EditableField, string>> = {};
    for (const f of FIELDS) {
      values[f.name] = (form.elements.namedItem(f.name) as HTMLInputElement).value;
    }
    const diff = diffFields(current, values);
    if (!diff.ok) {
      showMessage(error, diff.message);
      (form.elements.namedItem(diff.field) as HTMLInputElement | null)?.focus();
      return;
    }
    const button = form.querySelector('button[type=submit]') as HTMLButtonElement;
    button.disabled = true;
    try {
      const r = await ctx.api.post<Receipt>(`/receipts/${id}/corrections`, {
        fields: diff.fields,
        confirm: true,
      });
      const n = Object.keys(diff.fields).length;
      current = { ...current, ...r };
      drawFields(current);
      drawStatus(current);
      void load().catch(() => {});
      const text = n
        ? `Saved ${n} correction${n > 1 ? 's' : ''}. The receipt is confirmed.`
        : 'Confirmed.';
      showMessage(saved, text);
      announce(text);
    } catch (err) {
      showMessage(error, (err as Error).message);
    } finally {
      button.disabled = !!current && isInFlight(current.status);
    }
  });

  mount(
    main,
    h('p', {}, h('a', { href: '#/receipts' }, '← All receipts')),
    h('h1', {}, 'Receipt'),
    status,
    h(
      'div',
      { class: 'receipt-layout' },
      h('section', { 'aria-label': 'Receipt image' }, figure),
      h(
        'section',
        { 'aria-labelledby': 'fields-title' },
        h('h2', { id: 'fields-title' }, 'Extracted fields'),
        form,
      ),
    ),
    h(
      'section',
      { 'aria-labelledby': 'history-title' },
      h('h2', { id: 'history-title' }, 'History'),
      history,
    ),
    correctionsBox,
  );
  const poll = startPolling(async () => {
    try {
      return await load();
    } catch (e) {
      showMessage(error, (e as Error).message);
      return 'stop';
    }
  });
  poll.poke();
  return () => {
    poll.stop();
    if (objectUrl) URL.revokeObjectURL(objectUrl);
  };
};
