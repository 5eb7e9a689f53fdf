// Upload input handling for the receipts API: multipart parsing on top of the streaming body limits
// (http/body-limit.ts: never after buffering an unbounded body), and file names made safe to
// store and show.

import { assertContentLength, limitStream } from '../../http/body-limit.ts';
import { BadRequest, PayloadTooLarge, UnsupportedMediaType } from '../../http/errors.ts';

export const DEFAULT_MAX_BYTES = 50 * 1024 * 1024;
/** Room for multipart boundaries, part headers and small form fields around the file. */
export const MULTIPART_OVERHEAD_BYTES = 64 * 1024;

/** The 413 for a receipt file (and the API's other bodies) over `maxBytes`. */
export function tooLarge(maxBytes: number): PayloadTooLarge {
  return new PayloadTooLarge(`File is larger than the limit of ${maxBytes} bytes`);
}

export type MultipartUpload = {
  file: File;
  fields: Map<string, string>;
};

/**
 * Parses a multipart/form-data request whose `file` field is at most `maxFileBytes`: the body is
 * cut off (413) once it exceeds the file limit plus `MULTIPART_OVERHEAD_BYTES`.
 */
export async function readMultipartUpload(
  req: Request,
  maxFileBytes: number,
): Promise<MultipartUpload> {
  const contentType = req.headers.get('content-type') ?? '';
  if (!/^multipart\/form-data\s*;.*boundary=/i.test(contentType)) {
    throw new UnsupportedMediaType('Send the receipt as multipart/form-data with a "file" field');
  }
  const maxBody = maxFileBytes + MULTIPART_OVERHEAD_BYTES;
  assertContentLength(req.headers, maxBody, tooLarge(maxFileBytes).message);
  if (!req.body) throw new BadRequest('Missing "file" field', 'missing_file');
  let exceeded = false;
  const limited = limitStream(
    req.body,
    maxBody,
    () => (exceeded = true),
    () => tooLarge(maxFileBytes),
  );
  let form: FormData;
  try {
    form = await new Response(limited, { headers: { 'content-type': contentType } }).formData();
  } catch (err) {
    if (exceeded) throw tooLarge(maxFileBytes);
    if (err instanceof PayloadTooLarge) throw err;
    throw new BadRequest('Body is not valid multipart/form-data', 'invalid_multipart');
  }
  const file = form.get('file');
  if (file === null) throw new BadRequest('Missing "file" field', 'missing_file');
  if (typeof file === 'string') {
    throw new BadRequest('The "file" field must be a file, not text', 'missing_file');
  }
  if (file.size > maxFileBytes) throw tooLarge(maxFileBytes);
  const fields = new Map<string, string>();
  for (const [name, value] of form.entries()) {
    if (typeof value === 'string') fields.set(name, value);
  }
  return { file, fields };
}

const MAX_FILENAME_BYTES = 255;
const encoder = new TextEncoder();

/**
 * A file name safe to store and echo back: the last path segment only, NFC, without control
 * characters, bidi overrides or characters Windows forbids, whitespace collapsed, no leading dots
 * (hidden files) and at most 255 UTF-8 bytes (keeping the extension). Null when nothing is left.
 */
export function sanitizeFilename(name: string | null | undefined): string | null {
  if (!name) return null;
  let s = name.normalize('NFC');
  s = s.split(/[/\\]/).pop() ?? '';
  s = s
    // deno-lint-ignore no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, '')
    .replace(/[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g, '')
    .replace(/[<>:"|?*]/g, '_')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^[.\s]+/, '')
    .replace(/[.\s]+$/, '');
  if (!s) return null;
  if (encoder.encode(s).length > MAX_FILENAME_BYTES) {
    const dot = s.lastIndexOf('.');
    const ext = dot > 0 && s.length - dot <= 16 ? s.slice(dot) : '';
    let stem = ext ? s.slice(0, dot) : s;
    while (encoder.encode(stem + ext).length > MAX_FILENAME_BYTES) {
      stem = [...stem].slice(0, -1).join('');
    }
    s = stem + ext;
  }
  return s;
}
