/// <reference lib="dom" />
// One extracted field as a labelled input with its confidence in words (low ones highlighted, so
// colour is never the only signal).
import type { FIELDS } from '../../corrections.ts';
import { h } from '../../dom.ts';
import { minorToInput } from '../../money.ts';
import { confidenceNote } from '../../status.ts';
import type { Receipt } from '../../types.ts';

export function fieldRow(f: (typeof FIELDS)[number], r: Receipt, editable: boolean): HTMLElement {
  const note = confidenceNote(r.field_confidence?.[f.confidence]);
  const raw = r.fields[f.name];
  let value = f.money
    ? minorToInput(raw as number | null, r.fields.currency_minor_unit ?? 2)
    : String(raw ?? '');
  if (f.name === 'receipt_time') value = value.slice(0, 5); // HH:MM for <input type=time>
  const inputId = `field-${f.name}`;
  const hintId = `${inputId}-confidence`;
  return h(
    'div',
    { class: `field${note.low ? ' low' : ''}`, 'data-field': f.name },
    h('label', { for: inputId }, f.label),
    h('input', {
      id: inputId,
      name: f.name,
      type: f.type ?? 'text',
      value,
      inputmode: f.money ? 'decimal' : undefined,
      'aria-describedby': hintId,
      disabled: !editable,
    }),
    h('span', { id: hintId, class: 'confidence' }, note.text),
  );
}
