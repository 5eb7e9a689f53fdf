// Rate-limit gate for handlers: `await rateLimit('ai', req, { userId })` either throws
// (429 TooManyRequests with Retry-After, or 503 when Redis is down on a fail-closed route) or
// returns the RateLimit-* headers to add to the response. Redis failures are recorded so /health
// can report `degraded`.

import { ServiceUnavailable, TooManyRequests } from '../http/errors.ts';
import type { ClientIpOptions } from '../http/client-ip.ts';
import { type CallerIdentity, identify, type RouteName, type RoutePolicy } from './policy.ts';
import type { LimitResult, SlidingWindowLimiter } from './sliding-window.ts';

// ---------------------------------------------------------------------------------------------
// Health
// ---------------------------------------------------------------------------------------------

export interface LimiterHealth {
  status: 'ok' | 'degraded';
  consecutiveFailures: number;
  lastError?: string;
  lastErrorAt?: string;
}

/** Remembers whether the last Redis call of the limiter failed. */
export class LimiterHealthTracker {
  #failures = 0;
  #lastError?: string;
  #lastErrorAt?: number;

  recordSuccess(): void {
    this.#failures = 0;
  }

  recordFailure(err: unknown, now = Date.now()): void {
    this.#failures += 1;
    this.#lastError = err instanceof Error ? err.message : String(err);
    this.#lastErrorAt = now;
  }

  status(): LimiterHealth {
    return {
      status: this.#failures > 0 ? 'degraded' : 'ok',
      consecutiveFailures: this.#failures,
      ...(this.#lastError ? { lastError: this.#lastError } : {}),
      ...(this.#lastErrorAt ? { lastErrorAt: new Date(this.#lastErrorAt).toISOString() } : {}),
    };
  }

  /** A probe for `_shared/health` (`required: false`, so a failure means `degraded`). */
  probe(name = 'ratelimit'): { name: string; required: false; run: () => Promise<unknown> } {
    return {
      name,
      required: false,
      run: () => {
        const s = this.status();
        return s.status === 'ok'
          ? Promise.resolve(s)
          : Promise.reject(new Error(`Rate limiter degraded: ${s.lastError ?? 'Redis error'}`));
      },
    };
  }
}

// ---------------------------------------------------------------------------------------------
// Headers
// ---------------------------------------------------------------------------------------------

/**
 * RateLimit-Limit / -Remaining / -Reset (delta seconds), per the IETF httpapi ratelimit-headers
 * draft's header-per-field form, plus RateLimit-Policy (`<limit>;w=<window seconds>`).
 */
export function rateLimitHeaders(
  policy: RoutePolicy,
  result: LimitResult,
  now: number,
): Record<string, string> {
  const resetMs = result.success ? result.reset - now : result.retryAfterMs;
  return {
    'RateLimit-Limit': String(result.limit),
    'RateLimit-Remaining': String(result.remaining),
    'RateLimit-Reset': String(Math.max(0, Math.ceil(resetMs / 1000))),
    'RateLimit-Policy': `${result.limit};w=${Math.round(policy.windowMs / 1000)}`,
  };
}

// ---------------------------------------------------------------------------------------------
// Middleware
// ---------------------------------------------------------------------------------------------

export interface RateLimitDeps {
  limiter: SlidingWindowLimiter;
  policies: Record<RouteName, RoutePolicy>;
  health?: LimiterHealthTracker;
  ip?: ClientIpOptions;
  clock?: () => number;
  log?: (message: string) => void;
  /** Told of every 429 (the ops metrics count them); its failures are ignored. */
  onReject?: (route: RouteName, now: number) => Promise<void>;
}

export interface RateLimitContext extends CallerIdentity {
  /** Override the clock for this call (tests). */
  now?: number;
}

export type RateLimitFn = (
  route: RouteName,
  req: Request,
  ctx?: RateLimitContext,
) => Promise<Record<string, string>>;

export function createRateLimit(deps: RateLimitDeps): RateLimitFn {
  const clock = deps.clock ?? Date.now;
  const log = deps.log ?? console.error;
  return async (route, req, ctx = {}) => {
    const policy = deps.policies[route];
    if (!policy) throw new Error(`No rate limit policy for route ${route}`);
    const now = ctx.now ?? clock();
    const identifier = identify(policy, req, ctx, deps.ip);
    let result: LimitResult;
    try {
      result = await deps.limiter.limit(identifier, policy, now);
      deps.health?.recordSuccess();
    } catch (err) {
      deps.health?.recordFailure(err, now);
      log(
        `ratelimit: Redis error on ${route} (fail-${policy.failMode}): ${
          err instanceof Error ? err.message : String(err)
        }`,
      );
      if (policy.failMode === 'open') return {};
      const unavailable = new ServiceUnavailable(
        'Rate limiting is unavailable, please retry shortly',
        'rate_limiter_unavailable',
      );
      unavailable.headers['Retry-After'] = '5';
      throw unavailable;
    }
    const headers = rateLimitHeaders(policy, result, now);
    if (!result.success) {
      deps.onReject?.(route, now).catch(() => {});
      throw new TooManyRequests(result.retryAfterMs / 1000, headers);
    }
    return headers;
  };
}
