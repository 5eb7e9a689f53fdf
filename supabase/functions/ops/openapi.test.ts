// The document covers the HTTP surface the functions really route: every declared route of the
// receipts and wallet routers has a descriptor, and no descriptor names a route that is not there.
import assert from 'node:assert/strict';
import { API_ROUTES, openApiDocument } from './openapi.ts';
import { walletRoutes } from '../_shared/ledger/api/routes.ts';
import type { WalletLedger } from '../_shared/ledger/wallet-port.ts';
import { correctionRoutes } from '../_shared/receipts/api/routes/corrections.ts';
import { fileRoutes } from '../_shared/receipts/api/routes/file.ts';
import { readRoutes } from '../_shared/receipts/api/routes/read.ts';
import { signedUploadRoutes } from '../_shared/receipts/api/routes/signed-upload.ts';
import { uploadRoutes } from '../_shared/receipts/api/routes/upload.ts';
import type { ReceiptsContext } from '../_shared/receipts/api/context.ts';
import { ORGANISATION_OPS_BASE } from '../_shared/ops/organisation/handler.ts';
import type { OrganisationOpsContext } from '../_shared/ops/organisation/context.ts';
import { listRoutes } from '../_shared/ops/organisation/routes/list.ts';
import { overviewRoutes } from '../_shared/ops/organisation/routes/overview.ts';
import { replayRoutes } from '../_shared/ops/organisation/routes/replay.ts';

/** `POST /wallet/transfers/{id}/post` from a router's method, base and `:id` pattern. */
const key = (method: string, base: string, pattern: string) =>
  `${method.toUpperCase()} ${base}${pattern.replace(/:(\w+)/g, '{$1}')}`;
const documented = (prefix: string) =>
  API_ROUTES.filter((r) => r.path === prefix || r.path.startsWith(`${prefix}/`))
    .map((r) => key(r.method, '', r.path)).sort();

Deno.test('openapi - every wallet route is documented, and nothing else under /wallet', () => {
  const routed = walletRoutes({} as WalletLedger).map((r) => key(r.method, '/wallet', r.pattern));
  assert.deepEqual(documented('/wallet'), routed.sort());
});

Deno.test('openapi - every receipts route is documented, and nothing else under /receipts', () => {
  const ctx = {} as ReceiptsContext; // the route tables only close over it
  const routed = [
    ...readRoutes(ctx),
    ...uploadRoutes(ctx),
    ...signedUploadRoutes(ctx),
    ...fileRoutes(ctx),
    ...correctionRoutes(ctx),
  ].map((r) => key(r.method, '/receipts', r.pattern));
  assert.deepEqual(documented('/receipts'), routed.sort());
});

Deno.test('openapi - every organisation operations route is documented, and nothing else', () => {
  const ctx = {} as OrganisationOpsContext;
  const routed = [...listRoutes(ctx), ...overviewRoutes(ctx), ...replayRoutes(ctx)]
    .map((r) => key(r.method, ORGANISATION_OPS_BASE, r.pattern));
  assert.deepEqual(documented(ORGANISATION_OPS_BASE), routed.sort());
});

Deno.test('openapi - wallet and provider webhook payloads are named components', () => {
  const doc = openApiDocument() as {
    paths: Record<string, Record<string, { requestBody?: unknown; responses: unknown }>>;
    components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
  };
  const schemas = doc.components.schemas;
  for (const name of ['Transfer', 'Account', 'AccountList', 'EntryPage', 'TransferRequest']) {
    assert.ok(schemas[name], name);
  }
  assert.deepEqual(Object.keys(schemas.MomoCallback.properties!).sort(), [
    'amount',
    'currency',
    'externalId',
    'financialTransactionId',
    'status',
  ]);
  assert.ok(schemas.RevolutEvent.properties!.data);
  assert.ok(doc.paths['/payments-webhook/momo'].put.requestBody);
  assert.ok(doc.paths['/payments-webhook/revolut'].post.requestBody);
});
