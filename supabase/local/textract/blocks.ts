// Turns local OCR pages into Textract Blocks: one PAGE per page, its LINEs (CHILD of the page)
// and their WORDs (CHILD of each line), with Geometry (BoundingBox + Polygon, fractions of the
// page) and Confidence 0..100 — the shape DetectDocumentText and AnalyzeExpense return.

import type { BBox, OcrPage } from '../../functions/_shared/receipts/parser/ocr-types.ts';
import type { Block, Geometry } from '../../functions/_shared/textract/types.ts';

export function geometry(b: BBox): Geometry {
  const r = (v: number) => Math.round(v * 1e6) / 1e6;
  const [l, t, w, h] = [r(b.left), r(b.top), r(b.width), r(b.height)];
  return {
    BoundingBox: { Width: w, Height: h, Left: l, Top: t },
    Polygon: [
      { X: l, Y: t },
      { X: r(l + w), Y: t },
      { X: r(l + w), Y: r(t + h) },
      { X: l, Y: r(t + h) },
    ],
  };
}

const conf = (c: number) => Math.round(Math.max(0, Math.min(100, c)) * 1e4) / 1e4;

/** Blocks for all pages, numbered from `firstPage` (1-based). */
export function toBlocks(pages: OcrPage[], firstPage = 1): Block[] {
  const blocks: Block[] = [];
  pages.forEach((page, i) => {
    const pageNo = firstPage + i;
    const pageBlock: Block = {
      BlockType: 'PAGE',
      Id: crypto.randomUUID(),
      Geometry: geometry({ left: 0, top: 0, width: 1, height: 1 }),
      Page: pageNo,
    };
    const lineIds: string[] = [];
    blocks.push(pageBlock);
    for (const line of page.lines) {
      const lineId = crypto.randomUUID();
      lineIds.push(lineId);
      const wordBlocks: Block[] = line.words.map((w) => ({
        BlockType: 'WORD',
        Id: crypto.randomUUID(),
        Confidence: conf(w.confidence),
        Text: w.text,
        TextType: 'PRINTED',
        Geometry: geometry(w.bbox),
        Page: pageNo,
      }));
      blocks.push({
        BlockType: 'LINE',
        Id: lineId,
        Confidence: conf(line.confidence),
        Text: line.text,
        Geometry: geometry(line.bbox),
        Relationships: wordBlocks.length
          ? [{ Type: 'CHILD', Ids: wordBlocks.map((w) => w.Id) }]
          : undefined,
        Page: pageNo,
      });
      blocks.push(...wordBlocks);
    }
    if (lineIds.length) pageBlock.Relationships = [{ Type: 'CHILD', Ids: lineIds }];
  });
  return blocks.map((b) => (b.Relationships === undefined ? dropUndefined(b) : b));
}

function dropUndefined(b: Block): Block {
  const { Relationships: _, ...rest } = b;
  return rest;
}
