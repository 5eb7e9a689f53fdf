// Shapes shared by the local OCR engines, the receipt parser and the Textract-compatible endpoint.
// Bounding boxes follow Textract's Geometry.BoundingBox convention: fractions of the page, 0..1.

/** A box on the page as fractions of the page width/height (0..1), origin top-left. */
export interface BBox {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** One recognised word; confidence is 0..100 like Textract's. */
export interface OcrWord {
  text: string;
  confidence: number;
  bbox: BBox;
}

/** One recognised text line (reading order top to bottom), with its words. */
export interface OcrLine {
  text: string;
  confidence: number;
  bbox: BBox;
  words: OcrWord[];
}

/** Which local engine produced a page. */
export type OcrEngineName = 'tesseract' | 'paddle' | 'combined';

/** One page of OCR output; width/height are the source image's pixel size. */
export interface OcrPage {
  width: number;
  height: number;
  lines: OcrLine[];
  /** Engine that produced `lines` (informational). */
  engine?: OcrEngineName;
  /**
   * For `combined`: each engine's own reading of the page, so a parser can pick per field by
   * evidence. Absent for single-engine pages.
   */
  alternatives?: OcrPage[];
}

/** Builds a BBox from pixel coordinates and the page size, clamped to 0..1. */
export function bboxFromPixels(
  left: number,
  top: number,
  width: number,
  height: number,
  pageWidth: number,
  pageHeight: number,
): BBox {
  const clamp = (v: number) => Math.min(1, Math.max(0, v));
  const l = clamp(left / pageWidth);
  const t = clamp(top / pageHeight);
  return {
    left: l,
    top: t,
    width: clamp(width / pageWidth) > 1 - l ? 1 - l : clamp(width / pageWidth),
    height: clamp(height / pageHeight) > 1 - t ? 1 - t : clamp(height / pageHeight),
  };
}

/** Smallest box containing all given boxes. */
export function unionBBox(boxes: BBox[]): BBox {
  if (boxes.length === 0) return { left: 0, top: 0, width: 0, height: 0 };
  let l = Infinity, t = Infinity, r = -Infinity, b = -Infinity;
  for (const x of boxes) {
    l = Math.min(l, x.left);
    t = Math.min(t, x.top);
    r = Math.max(r, x.left + x.width);
    b = Math.max(b, x.top + x.height);
  }
  return { left: l, top: t, width: r - l, height: b - t };
}
