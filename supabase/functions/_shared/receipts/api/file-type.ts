// Receipt file types, detected from the first bytes of the file (magic numbers), never from the
// declared Content-Type or the file name. Used by the receipts API before anything is stored.

export type ReceiptFileType = {
  /** The canonical media type stored on the receipt. */
  mime: string;
  /** Extension used in the content-addressed storage path. */
  ext: string;
};

/** How many leading bytes `detectFileType` needs to decide. */
export const SNIFF_BYTES = 32;

const JPEG: ReceiptFileType = { mime: 'image/jpeg', ext: 'jpg' };
const PNG: ReceiptFileType = { mime: 'image/png', ext: 'png' };
const WEBP: ReceiptFileType = { mime: 'image/webp', ext: 'webp' };
const TIFF: ReceiptFileType = { mime: 'image/tiff', ext: 'tif' };
const HEIC: ReceiptFileType = { mime: 'image/heic', ext: 'heic' };
const HEIF: ReceiptFileType = { mime: 'image/heif', ext: 'heif' };
const PDF: ReceiptFileType = { mime: 'application/pdf', ext: 'pdf' };

/** Every media type the API accepts, e.g. for documentation and error messages. */
export const SUPPORTED_TYPES: readonly ReceiptFileType[] = [JPEG, PNG, WEBP, TIFF, HEIC, HEIF, PDF];

// ISO-BMFF brands (ftyp major brand) of HEIC/HEIF stills and sequences.
const HEIC_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'hevm', 'hevs']);
const HEIF_BRANDS = new Set(['mif1', 'msf1', 'mif2']);

function startsWith(bytes: Uint8Array, signature: readonly number[], offset = 0): boolean {
  if (bytes.length < offset + signature.length) return false;
  return signature.every((b, i) => bytes[offset + i] === b);
}

function ascii(bytes: Uint8Array, start: number, end: number): string {
  return bytes.length < end ? '' : String.fromCharCode(...bytes.subarray(start, end));
}

/**
 * The receipt file type of `head` (the file's first bytes; `SNIFF_BYTES` are enough), or null
 * when it is none of JPEG, PNG, WebP, TIFF, HEIC/HEIF or PDF.
 */
export function detectFileType(head: Uint8Array): ReceiptFileType | null {
  if (startsWith(head, [0xff, 0xd8, 0xff])) return JPEG;
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return PNG;
  if (ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 12) === 'WEBP') return WEBP;
  // Classic TIFF, little- and big-endian (BigTIFF is not a receipt format we accept).
  if (startsWith(head, [0x49, 0x49, 0x2a, 0x00]) || startsWith(head, [0x4d, 0x4d, 0x00, 0x2a])) {
    return TIFF;
  }
  if (ascii(head, 4, 8) === 'ftyp') {
    const brand = ascii(head, 8, 12);
    if (HEIC_BRANDS.has(brand)) return HEIC;
    if (HEIF_BRANDS.has(brand)) {
      // mif1 files usually list their codec among the compatible brands (bytes 16..box end).
      const boxSize = new DataView(head.buffer, head.byteOffset, head.byteLength).getUint32(0);
      const end = Math.min(boxSize, head.length);
      for (let i = 16; i + 4 <= end; i += 4) {
        if (HEIC_BRANDS.has(ascii(head, i, i + 4))) return HEIC;
      }
      return HEIF;
    }
    return null;
  }
  if (ascii(head, 0, 5) === '%PDF-') return PDF;
  return null;
}
