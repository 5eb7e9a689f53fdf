// Reading and validating the receipts API's inputs at the boundary: headers, JSON bodies, ids.
import { z } from 'npm:zod@^3.24.4';
import { readLimited } from '../../http/body-limit.ts';
import { BadRequest, HttpError } from '../../http/errors.ts';
import { tooLarge } from './upload.ts';

export const uuid = z.string().uuid();

export function zodMessage(error: z.ZodError): string {
  return error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ` : '') + i.message)
    .join('; ');
}

export function parseIdempotencyKey(headers: Headers): string | null {
  const key = headers.get('idempotency-key');
  if (key === null) return null;
  if (!/^[\x21-\x7e]{1,255}$/.test(key)) {
    throw new BadRequest(
      'Idempotency-Key must be 1 to 255 visible ASCII characters',
      'invalid_idempotency_key',
    );
  }
  return key;
}

/** The organisation asked for (form field / JSON body or X-Organisation-Id), if any. */
export function requestedOrganisation(
  headers: Headers,
  fromBody: string | undefined,
): string | null {
  const header = headers.get('x-organisation-id')?.trim() || undefined;
  const body = fromBody?.trim() || undefined;
  if (header && body && header !== body) {
    throw new BadRequest(
      'organisation_id and X-Organisation-Id name different organisations',
      'invalid_organisation_id',
    );
  }
  const id = header ?? body;
  if (id === undefined) return null;
  if (!uuid.safeParse(id).success) {
    throw new BadRequest('organisation_id must be a UUID', 'invalid_organisation_id');
  }
  return id.toLowerCase();
}

const MAX_JSON_BYTES = 16 * 1024;

export async function readJson<T>(
  req: Request,
  schema: z.ZodType<T>,
  allowEmpty: boolean,
): Promise<T> {
  const bytes = await readLimited(req.body, MAX_JSON_BYTES, () => tooLarge(MAX_JSON_BYTES));
  const text = new TextDecoder().decode(bytes);
  if (!text.trim()) {
    if (allowEmpty) return schema.parse({});
    throw new BadRequest('Request body must be JSON', 'invalid_body');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new BadRequest('Request body is not valid JSON', 'invalid_body');
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new BadRequest(zodMessage(parsed.error), 'invalid_body');
  return parsed.data;
}

export function unsupportedType(): HttpError {
  return new HttpError(
    415,
    'unsupported_file_type',
    'File type is not supported: send a JPEG, PNG, WebP, TIFF, HEIC/HEIF image or a PDF',
  );
}
