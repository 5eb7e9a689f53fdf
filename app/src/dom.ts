/// <reference lib="dom" />
// A tiny element builder: h('button', {type: 'submit', onclick}, 'Save'). No framework.

type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, unknown>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') {
      el.addEventListener(k.slice(2), v as EventListener);
    } else if (k === 'class') el.className = String(v);
    else if (k === 'value' && 'value' in el) (el as HTMLInputElement).value = String(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

/** Replaces the children of `el`. */
export function mount(el: Element, ...children: (Child | Child[])[]): void {
  el.replaceChildren(
    ...children.flat().filter((c): c is Node | string | number =>
      c !== null && c !== undefined && c !== false
    ).map((c) => (c instanceof Node ? c : String(c))),
  );
}

/** Announces a status change to screen readers (the page's polite live region). */
export function announce(text: string): void {
  const region = document.getElementById('announcer');
  if (!region) return;
  region.textContent = '';
  // a new text node after a tick, so the same sentence twice is read twice
  setTimeout(() => (region.textContent = text), 50);
}

/** A message box: role=alert for errors (read at once), role=status for the rest. */
export function messageBox(kind: 'error' | 'ok'): HTMLElement {
  return h('div', { class: `message ${kind}`, role: kind === 'error' ? 'alert' : 'status' });
}

export function showMessage(box: HTMLElement, text: string | null): void {
  box.textContent = text ?? '';
  box.hidden = !text;
}

/** A table that scrolls sideways on a narrow screen: a labelled region keyboard users can focus. */
export function scrollable(label: string, table: HTMLTableElement): HTMLElement {
  return h(
    'div',
    { class: 'table-scroll', role: 'region', 'aria-label': label, tabindex: 0 },
    table,
  );
}
