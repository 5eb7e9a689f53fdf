// The seller's tax or business registration number printed on a receipt (GST/SST/VAT id, or the
// company registration number beside the name). It identifies the shop far more reliably than its
// name, which OCR garbles now and then, so the vendor directory is keyed on it. Pure; used by the
// receipt parser. Textract reports the same field as TAX_PAYER_ID.

export interface TaxIdHit {
  /** Normalised to digits and capitals: "000381399040" (a GST id), "139386X" (a company number). */
  value: string;
  /** 0..1 */
  confidence: number;
  /** index of the line it was read from */
  line: number;
}

/** Letters OCR reads for digits inside a number. */
const DIGIT_FOR: Record<string, string> = {
  O: '0',
  Q: '0',
  D: '0',
  I: '1',
  L: '1',
  '|': '1',
  S: '5',
  B: '8',
  Z: '2',
};

/** A tax label (and an optional "ID/REG/NO" after it) then the number. */
// (Each scheme's numbers have their own shape, so the scheme itself is not part of the key.)
const RE_TAX_NUMBER =
  /\b(GST|SST|VAT|TIN|ABN|GSTIN|UEN)\s*(?:(?:ID|1D|LD|IO|REG(?:ISTRATION)?|NO|NUMBER|#)\.?\s*)*[:：.#-]?\s*([0-9OQDILSBZ|][0-9OQDILSBZ| -]{6,22}[0-9A-Z])/;

/** A company registration number: labelled, or the "(123456-X)" printed under the name. */
const RE_COMPANY_NUMBER =
  /(?:\b(?:CO(?:MPANY)?\.?\s*(?:REG(?:ISTRATION)?\.?)?\s*(?:NO)?|ROC|REG(?:ISTRATION)?\.?\s*NO)\.?\s*[:：.]?\s*\(?|[(（])\s*([0-9]{5,12})\s*-?\s*([A-Z])\s*[)）]?/;

function digitsOf(raw: string): string {
  return [...raw.toUpperCase().replace(/[\s-]/g, '')].map((c) => DIGIT_FOR[c] ?? c).join('');
}

/**
 * The first tax number on the receipt (GST/SST/VAT/…, 8 to 20 digits), else the company
 * registration number; null when neither is printed readably.
 */
export function findTaxId(
  lines: readonly { text: string; confidence?: number }[],
): TaxIdHit | null {
  const conf = (k: number) => Math.max(0, Math.min(1, (lines[k].confidence ?? 80) / 100));
  for (let k = 0; k < lines.length; k++) {
    const m = RE_TAX_NUMBER.exec(lines[k].text.toUpperCase());
    if (!m) continue;
    const digits = digitsOf(m[2]);
    if (!/^\d{8,20}$/.test(digits)) continue;
    return { value: digits, confidence: 0.9 * conf(k), line: k };
  }
  for (let k = 0; k < lines.length; k++) {
    const m = RE_COMPANY_NUMBER.exec(lines[k].text.toUpperCase());
    if (!m) continue;
    return { value: `${m[1]}${m[2]}`, confidence: 0.7 * conf(k), line: k };
  }
  return null;
}
