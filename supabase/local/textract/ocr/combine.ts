// Combines PaddleOCR's and tesseract's readings of one page. Paddle reads characters (digits,
// thermal print) far better but often drops the spaces between words; tesseract segments words
// well. The combined page keeps Paddle's lines and re-inserts word breaks where tesseract's words
// on the same line put them (character alignment by edit distance).

import type { OcrLine, OcrPage } from '../../../functions/_shared/receipts/ocr-types.ts';
import { splitWords } from './split-words.ts';

/** Paddle's lines with tesseract's word breaks; both readings kept in `alternatives`. */
export function combinePages(paddle: OcrPage, tesseract: OcrPage): OcrPage {
  const tessWords = tesseract.lines.flatMap((l) => l.words);
  const lines: OcrLine[] = paddle.lines.map((line) => {
    const b = line.bbox;
    const inside = tessWords.filter((w) => {
      const cy = w.bbox.top + w.bbox.height / 2;
      const cx = w.bbox.left + w.bbox.width / 2;
      return cy >= b.top && cy <= b.top + b.height && cx >= b.left - 0.01 &&
        cx <= b.left + b.width + 0.01;
    }).sort((x, y) => x.bbox.left - y.bbox.left);
    if (inside.length < 2) return line;
    const text = respace(line.text, inside.map((w) => w.text));
    if (text === line.text) return line;
    return { ...line, text, words: splitWords(text, line.bbox, line.confidence) };
  });
  return {
    width: paddle.width || tesseract.width,
    height: paddle.height || tesseract.height,
    lines,
    engine: 'combined',
    alternatives: [paddle, tesseract],
  };
}

/**
 * Inserts spaces into `text` where the reference word sequence has word boundaries, after
 * aligning both character sequences (spaces ignored). Keeps `text` when they disagree too much.
 */
export function respace(text: string, refWords: string[]): string {
  const a = [...text.replace(/\s+/g, '')];
  const boundaries = new Set<number>(); // positions in the compact ref string that start a word
  let refCompact = '';
  for (const w of refWords) {
    if (refCompact.length > 0) boundaries.add(refCompact.length);
    refCompact += w.replace(/\s+/g, '');
  }
  const r = [...refCompact];
  if (a.length === 0 || r.length === 0) return text;
  // Levenshtein with backtrace (case-insensitive).
  const n = a.length, m = r.length;
  const d: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = 0; i <= n; i++) d[i][0] = i;
  for (let j = 0; j <= m; j++) d[0][j] = j;
  for (let i = 1; i <= n; i++) {
    for (let j = 1; j <= m; j++) {
      const cost = a[i - 1].toLowerCase() === r[j - 1].toLowerCase() ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
    }
  }
  if (d[n][m] > Math.max(n, m) * 0.5) return text;
  // Map each ref position j to the text position it aligns with.
  const refToText = new Array<number>(m + 1).fill(-1);
  let i = n, j = m;
  refToText[m] = n;
  while (i > 0 || j > 0) {
    if (i > 0 && j > 0) {
      const cost = a[i - 1].toLowerCase() === r[j - 1].toLowerCase() ? 0 : 1;
      if (d[i][j] === d[i - 1][j - 1] + cost) {
        i--;
        j--;
        refToText[j] = i;
        continue;
      }
    }
    if (i > 0 && d[i][j] === d[i - 1][j] + 1) {
      i--;
    } else {
      j--;
      refToText[j] = i;
    }
  }
  const breaks = new Set<number>();
  for (const bnd of boundaries) {
    const t = refToText[bnd];
    // Never split inside a number (tesseract often breaks "918 7937", "3 .00").
    if (t > 0 && t < n && !(/[\d.,:/-]/.test(a[t - 1]) && /[\d.,:/-]/.test(a[t]))) breaks.add(t);
  }
  // Existing spaces in the text count as breaks too.
  let k = 0;
  for (const ch of text.trim()) {
    if (/\s/.test(ch)) breaks.add(k);
    else k++;
  }
  let out = '';
  for (let p = 0; p < n; p++) {
    if (breaks.has(p) && out.length > 0 && !out.endsWith(' ')) out += ' ';
    out += a[p];
  }
  return out;
}
