// The OpenAPI 3.1 document of every HTTP endpoint: one list of route descriptors, each domain's
// next to the zod schemas its routes validate with (never written twice), built by
// _shared/http/openapi.ts. Served at GET /ops/openapi.json; `deno run -A
// supabase/functions/ops/openapi.ts` prints it. A new route plugs in by joining its domain's list
// (or a new list here). Wiring: it may import every domain.
import { type ApiRoute, buildOpenApi } from '../_shared/http/openapi.ts';
import { operationsApiRoutes, operationsCallbacks } from '../_shared/ops/contract.ts';
import { organisationApiRoutes } from '../_shared/ops/organisation/contract.ts';
import { receiptApiRoutes } from '../_shared/receipts/api/contract.ts';
import { walletApiRoutes } from '../_shared/ledger/contract.ts';
import { webhookApiRoutes } from '../_shared/webhooks/ingest/contract.ts';

export const API_ROUTES: ApiRoute[] = [
  ...receiptApiRoutes,
  ...walletApiRoutes,
  ...operationsApiRoutes,
  ...organisationApiRoutes,
  ...webhookApiRoutes,
];

export function openApiDocument(serverUrl = '/functions/v1') {
  return buildOpenApi({
    info: {
      title: 'tallyq',
      version: '1',
      description: 'Receipts in, trustworthy records out. Every error is `{error, message}` JSON.',
    },
    serverUrl,
    routes: API_ROUTES,
    callbacks: operationsCallbacks,
  });
}

if (import.meta.main) console.log(JSON.stringify(openApiDocument(), null, 2));
