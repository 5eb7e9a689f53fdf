// Who sent a request, for per-IP rate limits. The TCP peer is the only address nobody can forge;
// forwarded headers (X-Forwarded-For, cf-connecting-ip) are written by whoever sent them, so they
// count only when the peer is a proxy we were told to trust:
//   RATE_LIMIT_TRUSTED_PROXIES  comma-separated addresses/CIDRs of proxies in front (e.g. a load
//                               balancer's subnet, Cloudflare's ranges); `loopback` etc. allowed
//   RATE_LIMIT_XFF_TRUSTED_HOPS N proxies in front each append one X-Forwarded-For entry, whatever
//                               their address (a platform gateway the function cannot see past)
//   RATE_LIMIT_CLIENT_IP_HEADER a header a trusted proxy sets to the client (cf-connecting-ip)
// With none set, the client is the peer. X-Forwarded-For is walked from the right, skipping
// trusted proxies, with proxy-addr (the implementation Express uses); the first untrusted hop is
// the client, so entries a client prepends never count.
//
// Deno hands the peer to the serve handler, not to the Request: `withPeerAddress` records it for
// the request's lifetime and `peerAddress(req)` reads it back.

import proxyaddr from 'npm:proxy-addr@^2.0.7';
import { z } from 'npm:zod@^3.24.4';
import { loadEnv } from '../config/env.ts';

const peers = new WeakMap<Request, string>();

type ServeInfo = { remoteAddr?: { hostname?: string } };

/** Wraps a serve handler so `peerAddress(req)` knows the TCP peer of each request. */
export function withPeerAddress(
  handler: (req: Request) => Response | Promise<Response>,
): (req: Request, info?: ServeInfo) => Response | Promise<Response> {
  return (req, info) => {
    const hostname = info?.remoteAddr?.hostname;
    if (hostname) peers.set(req, hostname);
    return handler(req);
  };
}

export function peerAddress(req: Request): string | undefined {
  return peers.get(req);
}

export interface ClientIpOptions {
  /** Addresses or CIDRs (or proxy-addr's names: loopback, linklocal, uniquelocal). */
  trustedProxies?: string[];
  /** Proxies in front that each append one X-Forwarded-For entry. */
  trustedHops?: number;
  /** Header a trusted proxy sets to the client's address, e.g. cf-connecting-ip. */
  clientIpHeader?: string;
}

export function loadClientIpOptions(
  source: Record<string, string | undefined> = Deno.env.toObject(),
): ClientIpOptions {
  const env = loadEnv({
    RATE_LIMIT_TRUSTED_PROXIES: z.string().optional(),
    RATE_LIMIT_XFF_TRUSTED_HOPS: z.coerce.number().int().min(0).max(10).optional(),
    RATE_LIMIT_CLIENT_IP_HEADER: z.string().regex(/^[A-Za-z0-9-]+$/).optional(),
  }, Object.fromEntries(Object.entries(source).filter(([, v]) => v !== '')));
  const trustedProxies = (env.RATE_LIMIT_TRUSTED_PROXIES ?? '').split(',').map((s) => s.trim())
    .filter(Boolean);
  try {
    proxyaddr.compile(trustedProxies);
  } catch (err) {
    throw new Error(`Invalid RATE_LIMIT_TRUSTED_PROXIES: ${(err as Error).message}`);
  }
  return {
    trustedProxies,
    trustedHops: env.RATE_LIMIT_XFF_TRUSTED_HOPS ?? 0,
    clientIpHeader: env.RATE_LIMIT_CLIENT_IP_HEADER?.toLowerCase(),
  };
}

/** The client's address, or undefined when neither the peer nor a trusted hop names one. */
export function clientIp(
  req: Request,
  options: ClientIpOptions = {},
  peer: string | undefined = peerAddress(req),
): string | undefined {
  const hops = options.trustedHops ?? 0;
  const byAddress = proxyaddr.compile(options.trustedProxies ?? []);
  const trust = (addr: string, i: number) => i < hops || byAddress(addr);
  // Without a peer (a handler called in-process) only configured hops can name the client.
  const socket = peer ?? (hops > 0 ? '' : undefined);
  if (socket === undefined) return undefined;
  if (options.clientIpHeader && trust(socket, 0)) {
    const named = req.headers.get(options.clientIpHeader)?.trim();
    if (named) return named;
  }
  const client = proxyaddr(
    {
      socket: { remoteAddress: socket },
      headers: { 'x-forwarded-for': req.headers.get('x-forwarded-for') ?? '' },
    } as unknown as Parameters<typeof proxyaddr>[0],
    trust,
  );
  return client || undefined;
}
