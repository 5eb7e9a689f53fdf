// Pure pieces of GoTrue's session model: the access token's claims, the user object, the refresh
// token format, and what a refresh token presented a second time means. No I/O; tested in
// session.test.ts. The SQL lives in store.ts, the HTTP in handler.ts.

/** An auth.users row as store.ts reads it (timestamps as ISO strings). */
export interface UserRow {
  id: string;
  aud: string | null;
  role: string | null;
  email: string | null;
  phone: string | null;
  email_confirmed_at: string | null;
  phone_confirmed_at: string | null;
  confirmed_at: string | null;
  last_sign_in_at: string | null;
  raw_app_meta_data: Record<string, unknown> | null;
  raw_user_meta_data: Record<string, unknown> | null;
  created_at: string | null;
  updated_at: string | null;
  banned_until: string | null;
  is_anonymous: boolean;
}

export interface SessionRow {
  id: string;
  user_id: string;
  created_at: string;
  aal: string | null;
}

/** GoTrue's user JSON (models.User): what /user and the session's `user` carry. */
export function userJson(u: UserRow): Record<string, unknown> {
  const optional = (v: string | null) => v ?? undefined;
  return {
    id: u.id,
    aud: u.aud ?? '',
    role: u.role ?? '',
    email: u.email ?? '',
    email_confirmed_at: optional(u.email_confirmed_at),
    phone: u.phone ?? '',
    phone_confirmed_at: optional(u.phone_confirmed_at),
    confirmed_at: optional(u.confirmed_at),
    last_sign_in_at: optional(u.last_sign_in_at),
    app_metadata: u.raw_app_meta_data ?? {},
    user_metadata: u.raw_user_meta_data ?? {},
    // The stand-in keeps no auth.identities: sign-in is by password only.
    identities: [],
    created_at: u.created_at,
    updated_at: u.updated_at,
    banned_until: optional(u.banned_until),
    is_anonymous: u.is_anonymous,
  };
}

/** Whether `banned_until` lies in the future (GoTrue's User.IsBanned). */
export const isBanned = (u: Pick<UserRow, 'banned_until'>, nowMs: number) =>
  u.banned_until !== null && Date.parse(u.banned_until) > nowMs;

/** Claims of an access token, in GoTrue's order and shape (tokens.AccessTokenClaims). */
export function accessTokenClaims(
  user: UserRow,
  session: SessionRow,
  issuer: string,
  nowMs: number,
  ttlSeconds: number,
): Record<string, unknown> {
  const iat = Math.floor(nowMs / 1000);
  return {
    iss: issuer,
    sub: user.id,
    aud: user.aud ?? 'authenticated',
    exp: iat + ttlSeconds,
    iat,
    email: user.email ?? '',
    phone: user.phone ?? '',
    app_metadata: user.raw_app_meta_data ?? {},
    user_metadata: user.raw_user_meta_data ?? {},
    role: user.role ?? 'authenticated',
    aal: session.aal ?? 'aal1',
    // Password is the only way in, so the session's one method is password, at sign-in time.
    amr: [{ method: 'password', timestamp: Math.floor(Date.parse(session.created_at) / 1000) }],
    session_id: session.id,
    is_anonymous: user.is_anonymous,
  };
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A refresh token as GoTrue's v1 tokens are: 12 random alphanumerics (crypto.SecureAlphanumeric). */
export function newRefreshToken(length = 12): string {
  const out: string[] = [];
  // rejection sampling keeps every character equally likely (248 = 4 * 62)
  while (out.length < length) {
    for (const b of crypto.getRandomValues(new Uint8Array(length * 2))) {
      if (b < 248 && out.length < length) out.push(ALPHANUMERIC[b % 62]);
    }
  }
  return out.join('');
}

export interface PresentedToken {
  token: string;
  revoked: boolean;
  /** When it was last written: for a revoked token, when it was swapped. */
  updatedAtMs: number;
}

export type RefreshDecision =
  /** The normal case: revoke it, issue its child. */
  | { kind: 'rotate' }
  /** The client lost the previous answer: hand back the child already issued. */
  | { kind: 'return_active'; token: string }
  /** Reuse after the grace interval: possible theft, end the session. */
  | { kind: 'reuse_detected' };

/**
 * What GoTrue does with a refresh token (tokens/service.go RefreshTokenGrant, v1 tokens): an active
 * token rotates; a revoked one whose child is the session's active token returns that child; a
 * revoked one within `reuseIntervalSeconds` of being swapped rotates again (concurrent refreshes
 * from several tabs); any other reuse is treated as theft.
 */
export function decideRefresh(
  presented: PresentedToken,
  active: { token: string; parent: string | null } | null,
  nowMs: number,
  reuseIntervalSeconds: number,
): RefreshDecision {
  if (!presented.revoked) return { kind: 'rotate' };
  if (active && active.parent === presented.token) {
    return { kind: 'return_active', token: active.token };
  }
  if (nowMs <= presented.updatedAtMs + reuseIntervalSeconds * 1000) return { kind: 'rotate' };
  return { kind: 'reuse_detected' };
}
