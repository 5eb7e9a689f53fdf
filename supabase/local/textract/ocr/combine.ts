// Combines PaddleOCR's and tesseract's readings of one page. Paddle reads characters (digits,
// thermal print) far better but often drops the spaces between words, and now and then a narrow
// letter; tesseract segments words well and reads some lines Paddle misses. The combined page
// keeps Paddle's lines, assigns every tesseract word to the Paddle line it overlaps most, aligns
// the characters (edit distance) and then picks per word: word breaks from tesseract, characters
// from Paddle except where tesseract's reading is clearly the better one (see `chooseWord`).
// Tesseract lines that no Paddle line covers are added when tesseract is confident about them.

import type {
  OcrLine,
  OcrPage,
  OcrWord,
} from '../../../functions/_shared/receipts/parser/ocr-types.ts';
import { splitWords } from './split-words.ts';

/** Tesseract words below this confidence (0..100) are not used at all. */
const MIN_WORD_CONF = 30;

/** Minimum tesseract line confidence (0..100) for a line only tesseract read. */
const TESS_ONLY_MIN_CONF = 80;

/** Paddle's lines re-spaced and repaired per word with tesseract's; both readings kept. */
export function combinePages(paddle: OcrPage, tesseract: OcrPage): OcrPage {
  // Per Paddle line, the candidate words grouped by the tesseract line they come from.
  const assigned: { conf: number; words: OcrWord[] }[][] = paddle.lines.map(() => []);
  const tessOnly: OcrLine[] = [];
  const dy = verticalOffset(paddle.lines, tesseract.lines);
  for (const tl of tesseract.lines) {
    const byLine = new Map<number, OcrWord[]>();
    for (const w of tl.words) {
      if (w.confidence < MIN_WORD_CONF) continue; // noise: its breaks would land anywhere
      const k = bestLine(paddle.lines, { ...w, bbox: { ...w.bbox, top: w.bbox.top + dy } });
      if (k >= 0) byLine.set(k, [...(byLine.get(k) ?? []), w]);
    }
    for (const [k, words] of byLine) {
      assigned[k].push({ conf: words.reduce((a, w) => a + w.confidence, 0) / words.length, words });
    }
    if (byLine.size === 0 && acceptTessOnly(tl)) tessOnly.push(tl);
  }
  const merged: OcrLine[] = paddle.lines.map((line, k) => {
    const words = pickWords(assigned[k]).sort((x, y) => x.bbox.left - y.bbox.left);
    if (words.length === 0) return line;
    const text = mergeWords(
      line.text,
      words.map((w) => ({ text: w.text, confidence: w.confidence })),
    );
    if (text === line.text) return line;
    return { ...line, text, words: splitWords(text, line.bbox, line.confidence) };
  });
  // Insert tesseract-only lines in reading order (by their top edge).
  const lines: OcrLine[] = [];
  let t = 0;
  const only = tessOnly.sort((a, b) => a.bbox.top - b.bbox.top);
  for (const line of merged) {
    while (t < only.length && only[t].bbox.top < line.bbox.top) lines.push(only[t++]);
    lines.push(line);
  }
  while (t < only.length) lines.push(only[t++]);
  return {
    width: paddle.width || tesseract.width,
    height: paddle.height || tesseract.height,
    lines,
    engine: 'combined',
    alternatives: [paddle, tesseract],
  };
}

/**
 * The two engines' boxes for the same text differ by a small, page-wide vertical shift (Paddle's
 * detector pads its boxes, and the images may be scaled differently). Estimated as the median
 * centre difference over tesseract words found verbatim in a Paddle line above or below them.
 */
export function verticalOffset(paddle: OcrLine[], tesseract: OcrLine[]): number {
  const diffs: number[] = [];
  for (const tl of tesseract) {
    for (const w of tl.words) {
      const core = w.text.replace(/[^A-Za-z0-9]/g, '').toUpperCase();
      if (core.length < 4 || w.confidence < 80) continue;
      const cx = w.bbox.left + w.bbox.width / 2, cy = w.bbox.top + w.bbox.height / 2;
      const hits = paddle.filter((l) =>
        cx >= l.bbox.left && cx <= l.bbox.left + l.bbox.width &&
        Math.abs(l.bbox.top + l.bbox.height / 2 - cy) <
          2 * Math.max(l.bbox.height, w.bbox.height) &&
        l.text.replace(/[^A-Za-z0-9]/g, '').toUpperCase().includes(core)
      );
      if (hits.length !== 1) continue;
      diffs.push(hits[0].bbox.top + hits[0].bbox.height / 2 - cy);
    }
  }
  if (diffs.length < 3) return 0;
  diffs.sort((a, b) => a - b);
  return diffs[Math.floor(diffs.length / 2)];
}

/** Index of the Paddle line a tesseract word belongs to (most vertical overlap), or -1. */
function bestLine(lines: OcrLine[], w: OcrWord): number {
  const wt = w.bbox.top, wb = w.bbox.top + w.bbox.height;
  const cx = w.bbox.left + w.bbox.width / 2;
  let best = -1, bestRatio = 0.4; // at least 40 % of the smaller height must overlap
  for (let k = 0; k < lines.length; k++) {
    const b = lines[k].bbox;
    if (cx < b.left - 0.01 || cx > b.left + b.width + 0.01) continue;
    const overlap = Math.min(wb, b.top + b.height) - Math.max(wt, b.top);
    const ratio = overlap / Math.max(1e-6, Math.min(w.bbox.height, b.height));
    if (ratio > bestRatio) {
      best = k;
      bestRatio = ratio;
    }
  }
  return best;
}

/**
 * When two tesseract lines fall on one Paddle line (tesseract split it, or read noise over it),
 * words from the more confident tesseract line win where they overlap horizontally.
 */
function pickWords(groups: { conf: number; words: OcrWord[] }[]): OcrWord[] {
  const out: OcrWord[] = [];
  for (const g of [...groups].sort((a, b) => b.conf - a.conf)) {
    for (const w of g.words) {
      const clash = out.some((o) => {
        const overlap = Math.min(o.bbox.left + o.bbox.width, w.bbox.left + w.bbox.width) -
          Math.max(o.bbox.left, w.bbox.left);
        return overlap > 0.3 * Math.min(o.bbox.width, w.bbox.width);
      });
      if (!clash) out.push(w);
    }
  }
  return out;
}

/** A line only tesseract read is kept when tesseract is sure of it and it reads as text. */
function acceptTessOnly(l: OcrLine): boolean {
  const words = l.words.filter((w) => /[A-Za-z0-9]/.test(w.text));
  if (words.length === 0) return false;
  const conf = words.reduce((a, w) => a + w.confidence, 0) / words.length;
  const letters = words.map((w) => w.text).join('').replace(/[^A-Za-z]/g, '').length;
  return conf >= TESS_ONLY_MIN_CONF && letters >= 3 &&
    words.every((w) => w.confidence >= 60);
}

const NUMERIC = /[\d.,:/-]/;

/**
 * Paddle's line text with tesseract's words: characters are aligned (spaces ignored); each
 * tesseract word's aligned span of Paddle characters becomes one word, spelled as `chooseWord`
 * decides. Paddle's own spaces are kept; no break goes inside a number ("918 7937"). Returns
 * `text` unchanged when the readings disagree too much to align.
 */
export function mergeWords(text: string, words: { text: string; confidence: number }[]): string {
  const a = [...text.replace(/\s+/g, '')];
  const starts: number[] = []; // start of each word in the compact reference string
  let refCompact = '';
  for (const w of words) {
    starts.push(refCompact.length);
    refCompact += w.text.replace(/\s+/g, '');
  }
  const r = [...refCompact];
  if (a.length === 0 || r.length === 0) return text;
  const n = a.length, m = r.length;
  const same = (i: number, j: number) => a[i].toLowerCase() === r[j].toLowerCase();
  const d: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = 0; i <= n; i++) d[i][0] = i;
  for (let j = 0; j <= m; j++) d[0][j] = j;
  for (let i = 1; i <= n; i++) {
    for (let j = 1; j <= m; j++) {
      d[i][j] = Math.min(
        d[i - 1][j] + 1,
        d[i][j - 1] + 1,
        d[i - 1][j - 1] + (same(i - 1, j - 1) ? 0 : 1),
      );
    }
  }
  if (d[n][m] > Math.max(n, m) * 0.5) return text;
  // refToText[j]: the text position aligned with reference position j.
  const refToText = new Array<number>(m + 1).fill(-1);
  let i = n, j = m;
  refToText[m] = n;
  while (i > 0 || j > 0) {
    if (i > 0 && j > 0 && d[i][j] === d[i - 1][j - 1] + (same(i - 1, j - 1) ? 0 : 1)) {
      i--;
      j--;
      refToText[j] = i;
    } else if (i > 0 && d[i][j] === d[i - 1][j] + 1) {
      i--;
    } else {
      j--;
      refToText[j] = i;
    }
  }
  // Paddle's own word breaks (positions in the compact text).
  const paddleBreaks = new Set<number>();
  let k = 0;
  for (const ch of text.trim()) {
    if (/\s/.test(ch)) paddleBreaks.add(k);
    else k++;
  }
  const withBreaks = (from: number, to: number) => {
    let s = '';
    for (let p = from; p < to; p++) {
      if (p > from && paddleBreaks.has(p) && !s.endsWith(' ')) s += ' ';
      s += a[p];
    }
    return s;
  };
  // Segments: [prefix], one per word, [suffix]; each with its text start for break decisions.
  const segs: { from: number; text: string }[] = [];
  const first = refToText[starts[0]];
  if (first > 0) segs.push({ from: 0, text: withBreaks(0, first) });
  for (let w = 0; w < words.length; w++) {
    const from = refToText[starts[w]];
    const to = w + 1 < words.length ? refToText[starts[w + 1]] : n;
    if (to <= from) continue; // tesseract read a word Paddle has no characters for
    const own = withBreaks(from, to);
    const chosen = own.includes(' ') ? own : chooseWord(own, words[w].text, words[w].confidence);
    segs.push({ from, text: chosen });
  }
  let out = '';
  for (const s of segs) {
    if (out.length > 0) {
      const numericJoin = NUMERIC.test(out[out.length - 1]) && NUMERIC.test(s.text[0]);
      if (!numericJoin || paddleBreaks.has(s.from)) out += ' ';
    }
    out += s.text;
  }
  return out;
}

/** Letters that OCR confuses with digits, in either direction. */
const CONFUSABLE_LETTERS = /^[OoDQIlLiSsZzBbGgTt]$/;

/**
 * One word as read by Paddle (`p`) and by tesseract (`t`, with its 0..100 confidence). Paddle's
 * characters win unless:
 * - tesseract reads an alphabetic word where Paddle mixed in digits ("Selango1" / "Selangor");
 * - tesseract reads a number where Paddle mixed in look-alike letters ("433OO" / "43300");
 * - Paddle's letters are tesseract's with one or two dropped ("STATONERY" / "STATIONERY").
 */
export function chooseWord(p: string, t: string, conf: number): string {
  // Only words whose letters and digits are one run ("Selango1,") are respelled.
  const pm = /^([^A-Za-z0-9]*)([A-Za-z0-9]+)([^A-Za-z0-9]*)$/.exec(p);
  const ta = t.replace(/[^A-Za-z0-9]/g, '');
  if (!pm || conf < 70 || ta.length < 2) return p;
  const pa = pm[2];
  if (pa.toLowerCase() === ta.toLowerCase()) return p;
  const pLetters = pa.replace(/[^A-Za-z]/g, '').length;
  const pDigits = pa.length - pLetters;
  const lengthClose = Math.abs(pa.length - ta.length) <= 1;
  const keepPunct = (core: string) => pm[1] + core + pm[3];
  if (/^[A-Za-z]+$/.test(ta) && pDigits > 0 && pLetters >= pDigits && lengthClose) {
    return keepPunct(caseLike(ta, pa));
  }
  if (
    /^\d+$/.test(ta) && ta.length >= 4 && pLetters > 0 && pa.length === ta.length &&
    [...pa].every((c) => /\d/.test(c) || CONFUSABLE_LETTERS.test(c))
  ) {
    return keepPunct(ta);
  }
  if (
    /^[A-Za-z]+$/.test(pa) && /^[A-Za-z]+$/.test(ta) && ta.length - pa.length >= 1 &&
    ta.length - pa.length <= 2 && pa.length >= 3 &&
    isSubsequence(pa.toLowerCase(), ta.toLowerCase())
  ) {
    return keepPunct(caseLike(ta, pa));
  }
  return p;
}

function isSubsequence(short: string, long: string): boolean {
  let i = 0;
  for (const c of long) if (i < short.length && short[i] === c) i++;
  return i === short.length;
}

/** `word` in the case style of `like` (all upper / all lower), else as it is. */
function caseLike(word: string, like: string): string {
  const letters = like.replace(/[^A-Za-z]/g, '');
  if (letters && letters === letters.toUpperCase()) return word.toUpperCase();
  if (letters && letters === letters.toLowerCase()) return word.toLowerCase();
  return word;
}

/**
 * Inserts spaces into `text` where the reference word sequence has word boundaries (characters
 * stay the text's own). Kept for callers that only want the spacing.
 */
export function respace(text: string, refWords: string[]): string {
  return mergeWords(text, refWords.map((w) => ({ text: w, confidence: 0 })));
}
