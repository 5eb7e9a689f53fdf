// Every route's rate limit in ONE place: budget, window, who is counted (user, API key or client
// IP) and what happens when Redis is down. Each number is overridable by env:
//   RATE_LIMIT_<ROUTE>_LIMIT, RATE_LIMIT_<ROUTE>_WINDOW_SECONDS, RATE_LIMIT_<ROUTE>_FAIL_MODE
// with <ROUTE> the route name upper-cased, `-` → `_` (e.g. RATE_LIMIT_PAYMENTS_WEBHOOK_LIMIT=80).
// Which address is the client's (peer, or forwarded headers from trusted proxies only):
// http/client-ip.ts.

import { z } from 'npm:zod@^3.24.4';
import type { RatePolicy } from './sliding-window.ts';
import { sha256Hex } from '../crypto/sha256.ts';
import { clientIp, type ClientIpOptions } from '../http/client-ip.ts';

export type RouteName =
  | 'payments-webhook'
  | 'messaging-webhook'
  | 'ai'
  | 'admin'
  | 'upload'
  | 'wallet';
export type FailMode = 'open' | 'closed';
export type IdentifierSource = 'user' | 'apiKey' | 'ip';

export interface RoutePolicy extends RatePolicy {
  name: RouteName;
  /** When Redis cannot answer: admit (`open`) or answer 503 (`closed`). */
  failMode: FailMode;
  /** Sources tried in order; the first one present identifies the caller. */
  identifyBy: IdentifierSource[];
}

export const ROUTES: readonly RouteName[] = [
  'payments-webhook',
  'messaging-webhook',
  'ai',
  'admin',
  'upload',
  'wallet',
];

const MINUTE = 60_000;

/**
 * Fail modes, and why:
 * - payments-webhook, messaging-webhook → open. Every delivery is HMAC-signed (forgeries are
 *   refused before any work) and stored idempotently by provider event id, so the limiter is only
 *   flood protection; dropping real payment/message events during a Redis outage costs more.
 * - upload → open. The core user journey; callers are authenticated, bodies are size-capped and
 *   OCR runs from a queue with its own concurrency, so an outage does not become lost receipts.
 * - ai → closed. Each call spends money at a third party; without a working limiter one client
 *   could run up unbounded cost. A 503 is cheap and retryable.
 * - wallet → closed. Money moves: a client stuck in a loop (or a stolen session) should be braked
 *   even when Redis is down; callers retry with the same Idempotency-Key, so a 503 loses nothing.
 * - admin → closed. Few, privileged, bulk-capable callers: the limit is the brake on a leaked
 *   admin credential or a runaway script, and admins can retry once Redis is back.
 */
export const DEFAULT_POLICIES: Readonly<Record<RouteName, RoutePolicy>> = {
  'payments-webhook': {
    name: 'payments-webhook',
    limit: 50,
    windowMs: MINUTE,
    failMode: 'open',
    identifyBy: ['ip'],
  },
  'messaging-webhook': {
    name: 'messaging-webhook',
    limit: 100,
    windowMs: MINUTE,
    failMode: 'open',
    identifyBy: ['ip'],
  },
  ai: {
    name: 'ai',
    limit: 30,
    windowMs: MINUTE,
    failMode: 'closed',
    identifyBy: ['user', 'apiKey', 'ip'],
  },
  admin: {
    name: 'admin',
    limit: 200,
    windowMs: MINUTE,
    failMode: 'closed',
    identifyBy: ['user', 'apiKey', 'ip'],
  },
  upload: {
    name: 'upload',
    limit: 60,
    windowMs: MINUTE,
    failMode: 'open',
    identifyBy: ['user', 'ip'],
  },
  wallet: {
    name: 'wallet',
    limit: 120,
    windowMs: MINUTE,
    failMode: 'closed',
    identifyBy: ['user', 'ip'],
  },
};

const overrideSchema = z.object({
  limit: z.coerce.number().int().min(0).optional(),
  windowSeconds: z.coerce.number().int().positive().optional(),
  failMode: z.enum(['open', 'closed']).optional(),
});

export function envPrefix(route: RouteName): string {
  return `RATE_LIMIT_${route.toUpperCase().replace(/-/g, '_')}`;
}

/** The default policies with env overrides applied; fails fast naming the bad variable. */
export function loadRateLimitConfig(
  env: Record<string, string | undefined>,
): Record<RouteName, RoutePolicy> {
  const out = {} as Record<RouteName, RoutePolicy>;
  for (const route of ROUTES) {
    const p = envPrefix(route);
    const parsed = overrideSchema.safeParse({
      limit: env[`${p}_LIMIT`] || undefined,
      windowSeconds: env[`${p}_WINDOW_SECONDS`] || undefined,
      failMode: env[`${p}_FAIL_MODE`] || undefined,
    });
    if (!parsed.success) {
      const suffix: Record<string, string> = {
        limit: 'LIMIT',
        windowSeconds: 'WINDOW_SECONDS',
        failMode: 'FAIL_MODE',
      };
      const names = parsed.error.issues.map((i) => `${p}_${suffix[String(i.path[0])]}`);
      throw new Error(`Invalid rate limit env: ${names.join(', ')}`);
    }
    const base = DEFAULT_POLICIES[route];
    out[route] = {
      ...base,
      identifyBy: [...base.identifyBy],
      limit: parsed.data.limit ?? base.limit,
      windowMs: parsed.data.windowSeconds ? parsed.data.windowSeconds * 1000 : base.windowMs,
      failMode: parsed.data.failMode ?? base.failMode,
    };
  }
  return out;
}

export interface CallerIdentity {
  userId?: string;
  apiKey?: string;
}

/**
 * The counter identity for a request under a policy, e.g. `user:<uuid>`, `key:<sha256 prefix>`
 * (API keys are never written to Redis) or `ip:<addr>`; `ip:unknown` when nothing is available.
 */
export function identify(
  policy: RoutePolicy,
  req: Request,
  caller: CallerIdentity = {},
  ipOptions: ClientIpOptions = {},
): string {
  for (const source of policy.identifyBy) {
    if (source === 'user' && caller.userId) return `user:${caller.userId}`;
    if (source === 'apiKey') {
      const key = caller.apiKey ?? req.headers.get('apikey') ?? undefined;
      if (key) return `key:${sha256Hex(key).slice(0, 32)}`;
    }
    if (source === 'ip') {
      const ip = clientIp(req, ipOptions);
      if (ip) return `ip:${ip}`;
    }
  }
  return 'ip:unknown';
}
