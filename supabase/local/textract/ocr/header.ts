// Header re-read: the shop name and address sit in the first lines of a receipt, often printed in
// a larger or fainter type than the rest, and a full-page pass reads them worse than the body
// (tesseract's page layout analysis mixes the header with logos and rules). After the first pass
// the header region (the lines above the first line with a date or an amount) is cropped from the
// original image and read again by tesseract on its own; where that reading is the more confident
// one, it replaces the full-page tesseract reading of the region, and the usual combination with
// Paddle runs on the result.

import type { OcrLine, OcrPage } from '../../../functions/_shared/receipts/ocr-types.ts';

/** The header as a band of the page, fractions of the page height (0..1). */
export interface HeaderRegion {
  top: number;
  bottom: number;
}

/** Never re-read more than this fraction of the page (a long receipt's header is a small part). */
const MAX_HEADER_FRACTION = 0.45;

/** At least this many text lines before a date/amount line ends the header. */
const MIN_HEADER_LINES = 2;

const RE_AMOUNT = /(?<![\d.,])\d+[.,]\d{2}(?![\d.,]?\d)/;
const RE_DATE =
  /\b\d{1,4}[-/.]\d{1,2}[-/.]\d{2,4}\b|\b\d{1,2}[-/ ]?(JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)[A-Z]*[-/ ]?\d{2,4}\b/i;

/** A line that belongs to the receipt body rather than the header: it names a date or an amount. */
function bodyLine(l: OcrLine): boolean {
  return RE_AMOUNT.test(l.text) || RE_DATE.test(l.text);
}

/**
 * The header band of a page read once: from just above the first text line down to just above
 * the first line (after at least two) carrying a date or an amount; at most 45 % of the page.
 * Null when the page has too few lines to tell.
 */
export function headerRegion(page: OcrPage): HeaderRegion | null {
  const lines = page.lines.filter((l) => /[A-Za-z0-9]{2}/.test(l.text) && l.bbox.height > 0)
    .sort((a, b) => a.bbox.top - b.bbox.top);
  if (lines.length < MIN_HEADER_LINES + 1) return null;
  const first = lines[0];
  const pad = first.bbox.height;
  const top = Math.max(0, first.bbox.top - pad);
  let bottom = Math.min(1, top + MAX_HEADER_FRACTION);
  for (let k = MIN_HEADER_LINES; k < lines.length; k++) {
    const l = lines[k];
    if (l.bbox.top >= bottom) break;
    if (bodyLine(l)) {
      bottom = l.bbox.top;
      break;
    }
  }
  if (bottom - top <= 2 * pad) return null;
  return { top, bottom };
}

/** Mean word confidence weighted by word length over the lines in a band (0 when none). */
function bandConfidence(lines: OcrLine[]): number {
  let sum = 0, n = 0;
  for (const l of lines) {
    for (const w of l.words) {
      const len = w.text.replace(/[^A-Za-z0-9]/g, '').length;
      sum += w.confidence * len;
      n += len;
    }
  }
  return n === 0 ? 0 : sum / n;
}

function centreIn(l: OcrLine, r: HeaderRegion): boolean {
  const c = l.bbox.top + l.bbox.height / 2;
  return c >= r.top && c < r.bottom;
}

/**
 * `full` (a full-page reading) with the lines inside `region` replaced by `header` (a reading of
 * that band alone, in page coordinates) when the header reading is at least as confident over
 * the band and read at least as much text. Otherwise `full` unchanged.
 */
export function withHeader(full: OcrPage, header: OcrPage, region: HeaderRegion): OcrPage {
  const inside = full.lines.filter((l) => centreIn(l, region));
  const hdr = header.lines.filter((l) => centreIn(l, region));
  if (hdr.length === 0) return full;
  const chars = (ls: OcrLine[]) =>
    ls.reduce((a, l) => a + l.text.replace(/[^A-Za-z0-9]/g, '').length, 0);
  if (bandConfidence(hdr) < bandConfidence(inside) || chars(hdr) < 0.6 * chars(inside)) {
    return full;
  }
  const lines = [...full.lines.filter((l) => !centreIn(l, region)), ...hdr]
    .sort((a, b) => a.bbox.top - b.bbox.top || a.bbox.left - b.bbox.left);
  return { ...full, lines };
}

/** A page read from a crop of rows [top, bottom) of a page, mapped back to page coordinates. */
export function fromCrop(crop: OcrPage, region: HeaderRegion, page: OcrPage): OcrPage {
  const h = region.bottom - region.top;
  const map = <T extends { bbox: OcrLine['bbox'] }>(x: T): T => ({
    ...x,
    bbox: { ...x.bbox, top: region.top + x.bbox.top * h, height: x.bbox.height * h },
  });
  return {
    width: page.width,
    height: page.height,
    engine: crop.engine,
    lines: crop.lines.map((l) => ({ ...map(l), words: l.words.map(map) })),
  };
}
