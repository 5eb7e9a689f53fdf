/// <reference lib="dom" />
// Receipts: drop (or choose) several files, each uploads with its own progress bar; the list
// below updates by polling with backoff while any receipt is still being read.
import type { Page } from '../app.ts';
import { startPolling } from '../backoff.ts';
import { announce, h, messageBox, mount, scrollable, showMessage } from '../dom.ts';
import { ApiError } from '../errors.ts';
import { formatMinor } from '../money.ts';
import { isInFlight, statusLabel } from '../status.ts';
import type { Page as ApiPage, Receipt } from '../types.ts';

const ACCEPT = 'image/jpeg,image/png,image/tiff,image/webp,application/pdf';

export const receiptsPage: Page = (main, ctx) => {
  const listError = messageBox('error');
  showMessage(listError, null);
  const uploads = h('ul', { class: 'uploads', 'aria-label': 'Uploads' });
  const input = h('input', {
    id: 'files',
    type: 'file',
    multiple: true,
    accept: ACCEPT,
    class: 'visually-hidden',
  });
  const drop = h(
    'div',
    { class: 'dropzone', id: 'dropzone' },
    h('p', {}, 'Drag receipt images or PDFs here, or'),
    h('label', { for: 'files', class: 'button' }, 'Choose files'),
    input,
  );
  const tbody = h('tbody');
  const table = h(
    'table',
    { class: 'receipts' },
    h('caption', { class: 'visually-hidden' }, 'Your receipts, newest first'),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ...['File', 'Status', 'Vendor', 'Total', 'Uploaded'].map((t) =>
          h('th', { scope: 'col' }, t)
        ),
      ),
    ),
    tbody,
  );
  const tableBox = scrollable('Your receipts', table);
  const empty = h('p', { class: 'muted' }, 'No receipts yet.');
  let known = new Map<string, string>(); // id → status, to announce changes

  const draw = (rows: Receipt[]) => {
    empty.hidden = rows.length > 0;
    tableBox.hidden = rows.length === 0;
    mount(
      tbody,
      rows.map((r) =>
        h(
          'tr',
          { 'data-receipt-id': r.id },
          h('td', {}, h('a', { href: `#/receipts/${r.id}` }, r.original_filename ?? 'Receipt')),
          h('td', {}, h('span', { class: `status ${r.status}` }, statusLabel(r.status))),
          h('td', {}, r.fields.vendor ?? '—'),
          h(
            'td',
            { class: 'num' },
            formatMinor(r.fields.total, r.fields.currency_minor_unit, r.fields.currency),
          ),
          h('td', {}, new Date(r.created_at).toLocaleString()),
        )
      ),
    );
  };

  const load = async (): Promise<'changed' | 'same' | 'stop'> => {
    try {
      const page = await ctx.api.get<ApiPage<Receipt>>('/receipts?limit=50');
      showMessage(listError, null);
      const next = new Map(page.data.map((r) => [r.id, r.status]));
      let changed = next.size !== known.size;
      for (const r of page.data) {
        const before = known.get(r.id);
        if (before !== r.status) changed = true;
        if (before && before !== r.status) {
          announce(
            `${r.original_filename ?? 'A receipt'} is now ${statusLabel(r.status).toLowerCase()}.`,
          );
        }
      }
      known = next;
      draw(page.data);
      return page.data.some((r) => isInFlight(r.status)) ? (changed ? 'changed' : 'same') : 'stop';
    } catch (e) {
      showMessage(listError, e instanceof Error ? e.message : String(e));
      throw e;
    }
  };

  let poll = startPolling(load);
  const restartPolling = () => {
    poll.stop();
    poll = startPolling(load);
    poll.poke();
  };

  const uploadOne = async (file: File) => {
    const bar = h('progress', { max: 100, value: 0, 'aria-label': `Upload of ${file.name}` });
    const state = h('span', { class: 'upload-state', role: 'status' }, 'Uploading…');
    uploads.append(h('li', {}, h('span', { class: 'upload-name' }, file.name), bar, state));
    try {
      const receipt = await ctx.api.upload<Receipt>(
        '/receipts',
        file,
        (f) => (bar.value = Math.round(f * 100)),
      );
      state.textContent = 'Uploaded';
      state.className = 'upload-state ok';
      known.set(receipt.id, receipt.status);
      announce(`${file.name} uploaded.`);
    } catch (e) {
      state.textContent = `Not uploaded: ${e instanceof ApiError ? e.message : String(e)}`;
      state.className = 'upload-state error';
    }
  };

  const uploadAll = async (files: FileList | File[]) => {
    // at most two at a time: progress per file stays meaningful on a slow link
    const queue = [...files];
    const worker = async () => {
      for (let f = queue.shift(); f; f = queue.shift()) await uploadOne(f);
    };
    await Promise.all([worker(), worker()]);
    restartPolling();
  };

  input.addEventListener('change', () => {
    if (input.files?.length) void uploadAll(input.files);
    input.value = '';
  });
  drop.addEventListener('dragover', (e) => {
    e.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    if (e.dataTransfer?.files.length) void uploadAll(e.dataTransfer.files);
  });

  mount(
    main,
    h('h1', {}, 'Receipts'),
    h(
      'section',
      { 'aria-labelledby': 'upload-title' },
      h('h2', { id: 'upload-title' }, 'Upload'),
      drop,
      uploads,
    ),
    h(
      'section',
      { 'aria-labelledby': 'list-title' },
      h('h2', { id: 'list-title' }, 'Your receipts'),
      listError,
      empty,
      tableBox,
    ),
  );
  poll.poke();
  return () => poll.stop();
};
