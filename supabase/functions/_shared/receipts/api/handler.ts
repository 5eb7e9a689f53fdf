// The receipts API (issue 4) as a table of declared routes, one module per route group:
//
//   POST /receipts                    multipart `file` (+ organisation_id)   201 new | 200 duplicate
//   POST /receipts/uploads            {organisation_id?}                     201 {upload_url, …}
//   PUT  /receipts/uploads/<token>    raw bytes (local storage driver only)  200
//   POST /receipts/register           {path, original_filename?}             201 new | 200 duplicate
//   GET  /receipts/<id>[?include=events]                                     200 | 404
//   GET  /receipts?status=&limit=&cursor=&organisation_id=                   200 {data, next_cursor}
//   GET  /receipts/<id>/file                  the original bytes, its Content-Type  200 | 304 | 404
//   POST /receipts/<id>/corrections           {fields, confirm?}               200 | 404 | 409 | 422
//
// Every database statement runs as the caller (repository.ts). Errors leave through the one
// error mapper; CORS is composed around it, so errors and the preflight carry it too.
import { CORS_HEADERS, withCors } from '../../http/cors.ts';
import { withErrors } from '../../http/errors.ts';
import { createRouter } from '../../http/router.ts';
import { type ReceiptsApiDeps, receiptsContext } from './context.ts';
import { correctionRoutes } from './routes/corrections.ts';
import { fileRoutes } from './routes/file.ts';
import { readRoutes } from './routes/read.ts';
import { signedUploadRoutes } from './routes/signed-upload.ts';
import { uploadRoutes } from './routes/upload.ts';

export type { ReceiptsApiConfig, ReceiptsApiDeps } from './context.ts';

export function createReceiptsHandler(deps: ReceiptsApiDeps): (req: Request) => Promise<Response> {
  const ctx = receiptsContext(deps);
  const router = createRouter(
    [
      ...readRoutes(ctx),
      ...uploadRoutes(ctx),
      ...signedUploadRoutes(ctx),
      ...fileRoutes(ctx),
      ...correctionRoutes(ctx),
    ],
    { base: '/receipts', preflight: true },
  );
  return withCors(CORS_HEADERS, withErrors(router, deps.log));
}
