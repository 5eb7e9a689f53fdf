// Word boxes for engines that report only line boxes (Paddle): each word gets a slice of the
// line box proportional to its character span.

import type { OcrLine, OcrWord } from '../../../functions/_shared/receipts/parser/ocr-types.ts';

/** Splits a line into words, giving each a box proportional to its character span. */
export function splitWords(
  text: string,
  bbox: OcrLine['bbox'],
  confidence: number,
): OcrWord[] {
  const words: OcrWord[] = [];
  const n = text.length || 1;
  for (const m of text.matchAll(/\S+/g)) {
    const start = m.index ?? 0;
    words.push({
      text: m[0],
      confidence,
      bbox: {
        left: bbox.left + (bbox.width * start) / n,
        top: bbox.top,
        width: (bbox.width * m[0].length) / n,
        height: bbox.height,
      },
    });
  }
  return words;
}
