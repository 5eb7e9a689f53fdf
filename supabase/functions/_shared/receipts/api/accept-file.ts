// What the receipts API accepts: only files the OCR path can read (Textract AnalyzeExpense reads
// JPEG, PNG, TIFF and PDF), and only whole ones. WebP and HEIC are recognised so the refusal can
// say what to do; a file cut short in transfer (cheap to see: JPEG without its end marker, PNG
// without IEND, PDF without %%EOF, TIFF whose first IFD lies past the end) is refused before it is
// stored, instead of being dead-lettered later.
import { HttpError, Unprocessable } from '../../http/errors.ts';
import { detectFileType, type ReceiptFileType, SNIFF_BYTES } from './file-type.ts';

/** Media types the OCR path reads. */
export const READABLE_TYPES = ['image/jpeg', 'image/png', 'image/tiff', 'application/pdf'];

export class UnsupportedFileType extends HttpError {
  constructor(message: string) {
    super(415, 'unsupported_file_type', message);
  }
}

const SEND = 'send a JPEG, PNG, TIFF or PDF';

function lastIndexOfPair(bytes: Uint8Array, a: number, b: number): number {
  for (let i = bytes.length - 2; i >= 0; i--) if (bytes[i] === a && bytes[i + 1] === b) return i;
  return -1;
}

function tailIncludes(bytes: Uint8Array, text: string, window: number): boolean {
  const tail = bytes.subarray(Math.max(0, bytes.length - window));
  return new TextDecoder('latin1').decode(tail).includes(text);
}

/** Why the file is visibly incomplete, or null when it looks whole. */
export function incompleteReason(bytes: Uint8Array, type: ReceiptFileType): string | null {
  switch (type.mime) {
    case 'image/jpeg': {
      // Entropy-coded data stuffs every 0xFF, so the real end-of-image marker (FF D9) is the only
      // one after the last start-of-scan (FF DA); an EXIF thumbnail's EOI comes before it.
      const eoi = lastIndexOfPair(bytes, 0xff, 0xd9);
      return eoi > lastIndexOfPair(bytes, 0xff, 0xda) ? null : 'JPEG has no end-of-image marker';
    }
    case 'image/png':
      return tailIncludes(bytes, 'IEND', 64) ? null : 'PNG has no IEND chunk';
    case 'application/pdf':
      return tailIncludes(bytes, '%%EOF', 2048) ? null : 'PDF has no %%EOF trailer';
    case 'image/tiff': {
      if (bytes.length < 8) return 'TIFF header is cut short';
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const ifd = view.getUint32(4, bytes[0] === 0x49);
      return ifd >= 8 && ifd + 2 <= bytes.length ? null : 'TIFF directory lies past the end';
    }
    default:
      return null;
  }
}

/** The file's type when the OCR path can read it; throws 415 (type) or 422 (incomplete file). */
export function acceptReceiptFile(bytes: Uint8Array): ReceiptFileType {
  const type = detectFileType(bytes.subarray(0, SNIFF_BYTES));
  if (!type) throw new UnsupportedFileType(`File type is not supported: ${SEND}`);
  if (!READABLE_TYPES.includes(type.mime)) {
    throw new UnsupportedFileType(
      `${type.mime} cannot be read by the OCR service: convert it to JPEG (or ${SEND})`,
    );
  }
  const reason = incompleteReason(bytes, type);
  if (reason) {
    throw new Unprocessable(
      `File is incomplete or damaged (${reason}): upload it again`,
      'incomplete_file',
    );
  }
  return type;
}
