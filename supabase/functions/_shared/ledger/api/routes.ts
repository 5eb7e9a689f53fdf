// The wallet API (issue 15): a table of routes over the ledger port. Every call runs as the
// signed-in user (RLS + the ledger functions' own checks), is rate-limited per user, and answers
// business failures with their stable codes (README: "Wallet API error codes").
//
//   POST /wallet/transfers                 {from_account_id, to_account_id, amount_minor, currency,
//                                           description?, pending?: {timeout_seconds}}  201
//                                          Idempotency-Key required; replay: Idempotency-Replayed
//   POST /wallet/transfers/<id>/post       {amount_minor?}   201 (the post transaction)
//   POST /wallet/transfers/<id>/void       {}                201
//   POST /wallet/transfers/<id>/reverse    {description?}    201
//   GET  /wallet/accounts[?at=<ts>]        200 {data: accounts with posted/pending/available}
//   POST /wallet/accounts                  {currency}        201 (or 200 when it existed)
//   GET  /wallet/accounts/<id>[?at=<ts>]   200 | 404
//   GET  /wallet/accounts/<id>/entries?limit=&cursor=   200 {data, next_cursor} (newest first)

import { z } from 'npm:zod@^3.24.4';
import type { UserClaims } from '../../auth/jwt.ts';
import { withCors } from '../../http/cors.ts';
import { BadRequest, Forbidden, json, NotFound, withErrors } from '../../http/errors.ts';
import { createRouter, type Params, route } from '../../http/router.ts';
import { clientIp, type ClientIpOptions } from '../../http/client-ip.ts';
import { correlationIdFrom } from '../../log/correlation.ts';
import type { CallContext, Outcome, WalletLedger } from '../wallet-port.ts';
import {
  atQuery,
  entriesQuery,
  openAccountRequest,
  postPendingRequest,
  reverseRequest,
  transferRequest,
  voidPendingRequest,
} from '../contract.ts';

export type WalletApiDeps = {
  ledger: WalletLedger;
  verifier: { verifyUser(req: Request): Promise<UserClaims> };
  /** Per-user limit: returns RateLimit-* headers or throws 429/503. */
  rateLimit?: (req: Request, userId: string) => Promise<Record<string, string>>;
  newId?: () => string;
  /** Who counts as the client for the audit trail (http/client-ip.ts); default: the TCP peer. */
  ipOptions?: ClientIpOptions;
  /** One line per call: correlation id, route, status, transfer id, duration (log/logger.ts). */
  log?: (msg: string, extra?: Record<string, unknown>) => void;
};

// ---------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------

// The schemas live in ../contract.ts (shared with the OpenAPI document).
const uuid = z.string().uuid();

function zodMessage(error: z.ZodError): string {
  return error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ` : '') + i.message)
    .join('; ');
}

function parse<T>(
  schema: z.ZodType<T, z.ZodTypeDef, unknown>,
  value: unknown,
  code = 'invalid_body',
): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new BadRequest(zodMessage(parsed.error), code);
  return parsed.data;
}

async function readJson(req: Request): Promise<unknown> {
  const text = await req.text();
  if (text.length > 16 * 1024) throw new BadRequest('Request body is too large', 'invalid_body');
  if (!text.trim()) return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new BadRequest('Request body is not valid JSON', 'invalid_body');
  }
}

function idempotencyKey(req: Request, required: boolean): string | null {
  const key = req.headers.get('idempotency-key');
  if (key === null) {
    if (required) {
      throw new BadRequest(
        'Send an Idempotency-Key header with every transfer',
        'idempotency_key_required',
      );
    }
    return null;
  }
  if (!/^[\x21-\x7e]{1,255}$/.test(key)) {
    throw new BadRequest(
      'Idempotency-Key must be 1 to 255 visible ASCII characters',
      'invalid_idempotency_key',
    );
  }
  return key;
}

function pathId(value: string, what: string): string {
  if (!uuid.safeParse(value).success) {
    throw new NotFound(`${what} not found`, `${what.toLowerCase()}_not_found`);
  }
  return value.toLowerCase();
}

/** An outcome as an HTTP response: the transfer, or `{error, message}` with the stored status. */
export function outcomeResponse(outcome: Outcome, headers: Record<string, string>): Response {
  const replay: Record<string, string> = outcome.replayed ? { 'Idempotency-Replayed': 'true' } : {};
  if (outcome.ok) return json(outcome.transfer, outcome.status, { ...headers, ...replay });
  return json({ error: outcome.error, message: outcome.message }, outcome.status, {
    ...headers,
    ...replay,
  });
}

// ---------------------------------------------------------------------------------------------
// Routes
// ---------------------------------------------------------------------------------------------

type Call = {
  req: Request;
  url: URL;
  params: Params;
  ctx: CallContext;
  headers: Record<string, string>;
};
type WalletRoute = { method: string; pattern: string; handle: (call: Call) => Promise<Response> };

async function resolve(ledger: WalletLedger, call: Call, action: 'post' | 'void' | 'reverse') {
  const id = pathId(call.params.id, 'Transfer');
  const key = idempotencyKey(call.req, false);
  const raw = await readJson(call.req);
  const outcome = action === 'post'
    ? await ledger.post(call.ctx, id, parse(postPendingRequest, raw).amount_minor ?? null, key)
    : action === 'void'
    ? (parse(voidPendingRequest, raw), await ledger.void(call.ctx, id, key))
    : await ledger.reverse(call.ctx, id, parse(reverseRequest, raw).description ?? null, key);
  return outcomeResponse(outcome, call.headers);
}

export function walletRoutes(ledger: WalletLedger): WalletRoute[] {
  return [
    {
      method: 'POST',
      pattern: '/transfers',
      async handle({ req, ctx, headers }) {
        const key = idempotencyKey(req, true);
        const { pending, ...rest } = parse(transferRequest, await readJson(req));
        const input = { ...rest, pending_timeout_seconds: pending?.timeout_seconds };
        return outcomeResponse(await ledger.transfer(ctx, input, key), headers);
      },
    },
    { method: 'POST', pattern: '/transfers/:id/post', handle: (c) => resolve(ledger, c, 'post') },
    { method: 'POST', pattern: '/transfers/:id/void', handle: (c) => resolve(ledger, c, 'void') },
    {
      method: 'POST',
      pattern: '/transfers/:id/reverse',
      handle: (c) => resolve(ledger, c, 'reverse'),
    },
    {
      method: 'GET',
      pattern: '/accounts',
      async handle({ url, ctx, headers }) {
        const at = parse(atQuery, url.searchParams.get('at'), 'invalid_query');
        return json({ data: await ledger.accounts(ctx, at) }, 200, headers);
      },
    },
    {
      method: 'POST',
      pattern: '/accounts',
      async handle({ req, ctx, headers }) {
        const { currency: code } = parse(openAccountRequest, await readJson(req));
        const before = await ledger.accounts(ctx, null);
        const account = await ledger.openAccount(ctx, code);
        const existing = before.some((a) => a.id === account.id);
        return json(account, existing ? 200 : 201, headers);
      },
    },
    {
      method: 'GET',
      pattern: '/accounts/:id',
      async handle({ url, params, ctx, headers }) {
        const id = pathId(params.id, 'Account');
        const at = parse(atQuery, url.searchParams.get('at'), 'invalid_query');
        const [account] = await ledger.accounts(ctx, at, id);
        if (!account) throw new NotFound('Account not found', 'account_not_found');
        return json(account, 200, headers);
      },
    },
    {
      method: 'GET',
      pattern: '/accounts/:id/entries',
      async handle({ url, params, ctx, headers }) {
        const id = pathId(params.id, 'Account');
        const q = parse(entriesQuery, Object.fromEntries(url.searchParams), 'invalid_query');
        const [account] = await ledger.accounts(ctx, null, id);
        if (!account) throw new NotFound('Account not found', 'account_not_found');
        const data = await ledger.entries(ctx, id, {
          limit: q.limit,
          beforeVersion: q.cursor ? Number(q.cursor) : null,
        });
        const last = data.at(-1);
        const next = data.length === q.limit && last && last.version > 1
          ? String(last.version)
          : null;
        return json({ data, next_cursor: next }, 200, headers);
      },
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// Handler
// ---------------------------------------------------------------------------------------------

const CORS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Headers':
    'authorization, x-client-info, apikey, content-type, idempotency-key, x-correlation-id',
  'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
  'Access-Control-Expose-Headers':
    'idempotency-replayed, x-correlation-id, ratelimit-limit, ratelimit-remaining, ratelimit-reset',
};

/** The transfer a call created or acted on, for its log line (never the body's other fields). */
async function transferIdOf(r: WalletRoute, params: Params, res: Response) {
  if (!r.pattern.startsWith('/transfers')) return {};
  if (params.id) return { transfer_id: params.id };
  const body = await res.clone().json().catch(() => null) as { id?: unknown } | null;
  return typeof body?.id === 'string' ? { transfer_id: body.id } : {};
}

export function createWalletHandler(deps: WalletApiDeps): (req: Request) => Promise<Response> {
  const newId = deps.newId ?? (() => crypto.randomUUID());
  const ids = new WeakMap<Request, string>();

  /** Authenticates, rate-limits and builds the call context, then runs the route. */
  const authed = (r: WalletRoute) =>
    route(r.method, r.pattern, async (req, params, url) => {
      const claims = await deps.verifier.verifyUser(req);
      if (claims.role !== 'authenticated') {
        throw new Forbidden('Only signed-in users can use the wallet', 'not_a_user');
      }
      const headers = (await deps.rateLimit?.(req, claims.sub)) ?? {};
      const ctx: CallContext = {
        claims: { ...claims, sub: claims.sub, role: claims.role },
        correlationId: ids.get(req) ?? newId(),
        clientIp: clientIp(req, deps.ipOptions),
        userAgent: req.headers.get('user-agent')?.slice(0, 512) ?? undefined,
      };
      const started = performance.now();
      const line = (fields: Record<string, unknown>) =>
        deps.log?.('wallet call', {
          correlation_id: ctx.correlationId,
          route: `${r.method} ${r.pattern}`,
          ...fields,
          duration_ms: Math.round((performance.now() - started) * 10) / 10,
        });
      try {
        const res = await r.handle({ req, url, params, ctx, headers });
        if (deps.log) line({ status: res.status, ...(await transferIdOf(r, params, res)) });
        return res;
      } catch (err) {
        line({ error: (err as { code?: string }).code ?? (err as Error).name });
        throw err;
      }
    });

  const router = createRouter(walletRoutes(deps.ledger).map(authed), {
    base: '/wallet',
    preflight: true,
  });
  return async (req) => {
    // the caller's X-Correlation-Id (or X-Request-Id) when well-formed, else a new one: the same
    // rule as every other function (log/correlation.ts)
    const correlationId = correlationIdFrom(req.headers, newId);
    ids.set(req, correlationId);
    const res = await withCors(CORS, withErrors(router))(req);
    res.headers.set('X-Correlation-Id', correlationId);
    return res;
  };
}
