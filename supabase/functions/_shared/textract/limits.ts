// Which Textract call a document can go through, from AWS's documented hard limits ("Set Quotas
// in Amazon Textract"): sync operations take JPEG, PNG, PDF and TIFF up to 10 MB, PDF and TIFF
// one page only; async operations take JPEG and PNG up to 10 MB and PDF and TIFF up to 500 MB
// (3,000 pages), read from S3. So: PDFs and TIFFs go async; an image within 10 MB goes sync; a
// larger JPEG is wrapped, as is, in a one-page PDF and goes async; a larger PNG cannot be sent
// without re-encoding, and other formats (WebP, HEIC) are not read by Textract at all: both are
// refused with a reason rather than billed for a certain failure.

export const SYNC_MAX_BYTES = 10 * 1024 * 1024;
export const ASYNC_DOCUMENT_MAX_BYTES = 500 * 1024 * 1024;

export type TextractRoute =
  | { path: 'sync' }
  | { path: 'async'; wrapJpegInPdf: boolean }
  | { path: 'refuse'; reason: string };

const mb = (n: number) => `${Math.round(n / 1024 / 1024)} MB`;

export function routeDocument(contentType: string, sizeBytes: number): TextractRoute {
  if (contentType === 'application/pdf' || contentType === 'image/tiff') {
    if (sizeBytes > ASYNC_DOCUMENT_MAX_BYTES) {
      return {
        path: 'refuse',
        reason: `Document is larger than Textract's ${mb(ASYNC_DOCUMENT_MAX_BYTES)} limit`,
      };
    }
    return { path: 'async', wrapJpegInPdf: false };
  }
  if (contentType === 'image/jpeg') {
    return sizeBytes <= SYNC_MAX_BYTES ? { path: 'sync' } : { path: 'async', wrapJpegInPdf: true };
  }
  if (contentType === 'image/png') {
    return sizeBytes <= SYNC_MAX_BYTES ? { path: 'sync' } : {
      path: 'refuse',
      reason: `PNG images over ${mb(SYNC_MAX_BYTES)} exceed Textract's image limit; ` +
        'upload the receipt as JPEG or PDF',
    };
  }
  return {
    path: 'refuse',
    reason: `Textract reads JPEG, PNG, PDF and TIFF only, not ${contentType}`,
  };
}
