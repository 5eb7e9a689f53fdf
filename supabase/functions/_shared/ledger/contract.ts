// The wallet API's contract as zod schemas: the routes validate requests with them
// (api/routes.ts), the database port's types are inferred from them (wallet-port.ts), and the
// OpenAPI document is generated from them and the route list at the end (http/openapi.ts).
import { z } from 'npm:zod@^3.24.4';
import { errorBody } from '../http/contract.ts';
import { type ApiRoute, errorResponses, named } from '../http/openapi.ts';

// ---- requests ---------------------------------------------------------------------------
const uuid = z.string().uuid();
const minor = z.number().int().positive().max(Number.MAX_SAFE_INTEGER)
  .describe("Integer amount in the currency's minor units (1250 is 12.50 EUR)");
const currency = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR');

export const transferRequest = z.object({
  from_account_id: uuid,
  to_account_id: uuid,
  amount_minor: minor,
  currency,
  description: z.string().max(500).optional(),
  pending: z.object({ timeout_seconds: z.number().int().min(1).max(30 * 86_400) }).strict()
    .optional().describe('Reserve the amount instead; post or void it before the timeout'),
}).strict();
export const postPendingRequest = z.object({
  amount_minor: minor.optional().describe('Post less than was reserved'),
}).strict();
export const voidPendingRequest = z.object({}).strict();
export const reverseRequest = z.object({ description: z.string().max(500).optional() }).strict();
export const openAccountRequest = z.object({ currency }).strict();
export const atQuery = z.string().datetime({ offset: true }).nullable();
export const balanceQuery = z.object({
  at: z.string().datetime({ offset: true }).optional()
    .describe('Also answer balance_at_minor: the posted balance at that time'),
});
export const entriesQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().regex(/^[1-9][0-9]{0,17}$/, 'cursor is not valid').optional()
    .describe('next_cursor of the previous page'),
});

// ---- responses --------------------------------------------------------------------------
const amount = z.number().int();
const timestamp = z.string().datetime({ offset: true });

export const transferBody = z.object({
  id: uuid,
  kind: z.enum(['transfer', 'pending', 'post', 'void', 'expire', 'reversal', 'payment', 'refund']),
  status: z.enum(['pending', 'posted', 'voided', 'expired']),
  from_account_id: uuid,
  to_account_id: uuid,
  amount_minor: amount,
  currency: z.string(),
  description: z.string().nullable(),
  pending_id: uuid.nullable().describe('For a post or void: the pending transfer it resolves'),
  reverses_id: uuid.nullable().describe('For a reversal: the transfer it reverses'),
  expires_at: timestamp.nullable(),
  created_at: timestamp,
});
export type Transfer = z.infer<typeof transferBody>;

export const accountBody = z.object({
  id: uuid,
  kind: z.enum(['user', 'clearing', 'fees', 'fx_liquidity']),
  currency: z.string(),
  organisation_id: uuid.nullable(),
  posted_balance_minor: amount,
  pending_debits_minor: amount,
  pending_credits_minor: amount,
  available_minor: amount.describe('posted_balance_minor - pending_debits_minor'),
  version: amount.describe('Number of entries on the account'),
  closed_at: timestamp.nullable(),
  created_at: timestamp,
  balance_at_minor: amount.optional().describe('With ?at=: the posted balance at that time'),
});
export type Account = z.infer<typeof accountBody>;

export const accountListBody = z.object({ data: z.array(accountBody) });

export const entryBody = z.object({
  version: amount.describe("The account's version after this entry (1, 2, …)"),
  transaction_id: uuid,
  amount_minor: amount.describe('Signed: credits positive, debits negative'),
  currency: z.string(),
  balance_before_minor: amount,
  balance_after_minor: amount,
  created_at: timestamp,
});
export type Entry = z.infer<typeof entryBody>;

export const entryPageBody = z.object({
  data: z.array(entryBody),
  next_cursor: z.string().nullable(),
});

// ---- the routes, for the OpenAPI document (http/openapi.ts) -----------------------------
const ErrorJson = named('Error', errorBody);
const Transfer = named('Transfer', transferBody);
const Account = named('Account', accountBody);
const idempotencyKey = (required: boolean) => ({
  name: 'Idempotency-Key',
  required,
  description: 'Replays answer the first call (Idempotency-Replayed: true), failures included',
});
const correlation = { name: 'X-Correlation-Id', required: false };
const id = { id: uuid };
const moved = (what: string) => ({
  201: {
    description: what,
    body: Transfer,
    headers: { 'Idempotency-Replayed': { description: 'true on a replay' } },
  },
  ...errorResponses(ErrorJson, 400, 401, 404, 409, 422, 429),
});
const resolution = (action: string, summary: string, body: ApiRoute['body']): ApiRoute => ({
  method: 'post',
  path: `/wallet/transfers/{id}/${action}`,
  summary,
  auth: 'user',
  pathParams: id,
  headers: [idempotencyKey(false), correlation],
  body,
  responses: moved(`The ${action} transaction`),
});

export const walletApiRoutes: ApiRoute[] = [
  {
    method: 'post',
    path: '/wallet/transfers',
    summary: 'Move money between two accounts of one currency (or reserve it: pending)',
    auth: 'user',
    headers: [idempotencyKey(true), correlation],
    body: named('TransferRequest', transferRequest),
    responses: moved('The transfer, as written'),
  },
  resolution('post', 'Post a pending transfer', named('PostPendingRequest', postPendingRequest)),
  resolution('void', 'Void a pending transfer', named('VoidPendingRequest', voidPendingRequest)),
  resolution('reverse', 'Reverse a posted transfer', named('ReverseRequest', reverseRequest)),
  {
    method: 'get',
    path: '/wallet/accounts',
    summary: "The caller's accounts with posted, pending and available balances",
    auth: 'user',
    query: balanceQuery,
    responses: {
      200: { description: 'Accounts', body: named('AccountList', accountListBody) },
      ...errorResponses(ErrorJson, 400, 401, 429),
    },
  },
  {
    method: 'post',
    path: '/wallet/accounts',
    summary: "The caller's account in a currency, opened on first use",
    auth: 'user',
    body: named('OpenAccountRequest', openAccountRequest),
    responses: {
      201: { description: 'Opened', body: Account },
      200: { description: 'It existed', body: Account },
      ...errorResponses(ErrorJson, 400, 401, 429),
    },
  },
  {
    method: 'get',
    path: '/wallet/accounts/{id}',
    summary: 'One account',
    auth: 'user',
    pathParams: id,
    query: balanceQuery,
    responses: {
      200: { description: 'The account', body: Account },
      ...errorResponses(ErrorJson, 400, 401, 404, 429),
    },
  },
  {
    method: 'get',
    path: '/wallet/accounts/{id}/entries',
    summary: "An account's ledger entries, newest first (keyset pages)",
    auth: 'user',
    pathParams: id,
    query: entriesQuery,
    responses: {
      200: { description: 'A page of entries', body: named('EntryPage', entryPageBody) },
      ...errorResponses(ErrorJson, 400, 401, 404, 429),
    },
  },
];
