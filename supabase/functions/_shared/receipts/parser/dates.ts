// The receipt's date and time: which of the dates read is the sale's, and day/month order.

import type { Choice, Line } from './lines.ts';
import { type DateHit, findDates, iso, plausibleYear, validDate } from './date-reading.ts';
import { headerStart } from './header.ts';
import { monthFirstLocale } from './locale.ts';

/**
 * How strongly a date reads as the sale's: a date label counts most (a print date's a little
 * less), a repaired reading a little less than a clean one, and a due/expiry/validity date least.
 */
function dateScore(h: DateHit): number {
  const base = 1 + (plausibleYear(h.y) ? 1 : -2) - (h.repaired ? 1 : 0);
  if (h.other) return base - 2;
  return base + (h.labelled ? (h.printed ? 2 : 3) : 0);
}

export function pickDate(ls: Line[], locale: string | undefined): Choice<string> | null {
  let hits = ls.flatMap(findDates);
  // Dates in the previous receipt's tail above this one's header are that receipt's.
  const start = headerStart(ls);
  if (start > 0 && hits.some((h) => h.line >= start)) hits = hits.filter((h) => h.line >= start);
  if (hits.length === 0) return null;
  // Evidence for the numeric order: any clean numeric date in a plausible year that is valid only
  // one way round.
  let dayFirstVotes = 0, monthFirstVotes = 0;
  for (const h of hits) {
    if (h.kind !== 'num' || h.repaired || !plausibleYear(h.y)) continue;
    const df = validDate(h.y, h.b, h.a);
    const mf = validDate(h.y, h.a, h.b);
    if (df && !mf) dayFirstVotes++;
    if (mf && !df) monthFirstVotes++;
  }
  const localeMf = monthFirstLocale(locale);
  const monthFirst = monthFirstVotes > dayFirstVotes
    ? true
    : dayFirstVotes > monthFirstVotes
    ? false
    : localeMf ?? false;
  const evidence = monthFirstVotes !== dayFirstVotes || localeMf !== null;
  const scored = new Map<
    string,
    { s: number; lines: number[]; ambiguous: boolean; repaired: boolean }
  >();
  for (const h of hits) {
    let m = h.a, d = h.b, ambiguous = false;
    if (h.kind === 'num') {
      const df = validDate(h.y, h.b, h.a);
      const mf = validDate(h.y, h.a, h.b);
      if (df && mf && h.a !== h.b) ambiguous = !evidence;
      if ((monthFirst && mf) || !df) {
        m = h.a;
        d = h.b;
      } else {
        m = h.b;
        d = h.a;
      }
    }
    const key = iso(h.y, m, d);
    const s = dateScore(h);
    const prev = scored.get(key);
    if (!prev) scored.set(key, { s, lines: [h.line], ambiguous, repaired: h.repaired });
    else {
      prev.s += s * 0.5;
      prev.lines.push(h.line);
      prev.repaired &&= h.repaired;
    }
  }
  const ranked = [...scored.entries()].sort((x, y) =>
    y[1].s - x[1].s || x[1].lines[0] - y[1].lines[0]
  );
  const [key, v] = ranked[0];
  const conf = ls[v.lines[0]]?.conf ?? 0.8;
  let confidence = (v.s >= 4 ? 0.85 : 0.65) * (0.6 + conf * 0.4);
  if (v.ambiguous) confidence *= 0.75;
  if (v.repaired) confidence *= 0.8;
  if (ranked.length > 1 && ranked[1][1].s >= v.s) confidence *= 0.8;
  return { value: key, confidence, lines: v.lines };
}

export function pickTime(ls: Line[]): Choice<string> | null {
  for (const l of ls) {
    const s = l.upper.replace(/(?<=\d)\s?[;.](?=\d{2}\b)/g, ':');
    const m =
      /(?<![\d:])([01]?\d|2[0-3])\s?:\s?([0-5]\d)(?:\s?:\s?([0-5]\d))?\s?(AM|PM|A\.M\.|P\.M\.)?(?!\d|\s?%)/
        .exec(s);
    if (!m) continue;
    let h = Number(m[1]);
    const ap = m[4]?.replace(/\./g, '');
    if (ap === 'PM' && h < 12) h += 12;
    if (ap === 'AM' && h === 12) h = 0;
    const t = `${String(h).padStart(2, '0')}:${m[2]}${m[3] ? `:${m[3]}` : ''}`;
    return { value: t, confidence: 0.7 * (0.5 + l.conf / 2), lines: [l.i] };
  }
  return null;
}
