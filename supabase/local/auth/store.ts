// What the auth stand-in reads and writes: auth.users, auth.sessions, auth.refresh_tokens (shaped
// as GoTrue's, created by supabase/local/platform/bootstrap.sql). Passwords are checked inside
// Postgres with pgcrypto's crypt() against the bcrypt hash in encrypted_password, as GoTrue's hashes
// are. Every multi-statement change runs in one transaction, with the session row locked so two
// refreshes of one session serialize.
import postgres from 'npm:postgres@^3.4.5';
import {
  decideRefresh,
  isBanned,
  newRefreshToken,
  type SessionRow,
  type UserRow,
} from './session.ts';

export type Sql = postgres.Sql;

export function connectAuthDb(url: string): Sql {
  return postgres(url, {
    max: 4,
    idle_timeout: 20,
    prepare: false,
    onnotice: () => {},
    connection: { application_name: 'tallyq-auth-standin', TimeZone: 'UTC' },
  });
}

/** The user's columns as GoTrue's JSON needs them (timestamps as ISO text, no secrets). */
const USER_JSON = (u: string) =>
  `jsonb_build_object(
  'id', ${u}.id, 'aud', ${u}.aud, 'role', ${u}.role, 'email', ${u}.email, 'phone', ${u}.phone,
  'email_confirmed_at', ${u}.email_confirmed_at, 'phone_confirmed_at', ${u}.phone_confirmed_at,
  'confirmed_at', ${u}.confirmed_at, 'last_sign_in_at', ${u}.last_sign_in_at,
  'raw_app_meta_data', ${u}.raw_app_meta_data, 'raw_user_meta_data', ${u}.raw_user_meta_data,
  'created_at', ${u}.created_at, 'updated_at', ${u}.updated_at, 'banned_until', ${u}.banned_until,
  'is_anonymous', ${u}.is_anonymous)`;

const SESSION_JSON = (s: string) =>
  `jsonb_build_object('id', ${s}.id, 'user_id', ${s}.user_id, 'created_at', ${s}.created_at, 'aal', ${s}.aal)`;

export interface IssuedSession {
  user: UserRow;
  session: SessionRow;
  refreshToken: string;
}

export type RefreshOutcome =
  | { kind: 'issued'; issued: IssuedSession }
  | { kind: 'not_found' | 'no_session' | 'reuse_detected' }
  | { kind: 'banned' | 'expired'; user: UserRow };

export interface AuthStore {
  /** The user with this email and audience, and whether `password` matches their bcrypt hash. */
  checkPassword(
    email: string,
    password: string,
    aud: string,
  ): Promise<{ user: UserRow; passwordOk: boolean } | null>;
  /** A new session with its first refresh token; stamps last_sign_in_at. */
  createSession(
    userId: string,
    client: { userAgent?: string; ip?: string },
  ): Promise<IssuedSession>;
  /** GoTrue's refresh_token grant (v1 tokens): rotate, hand back the active child, or end the session. */
  refresh(token: string, reuseIntervalSeconds: number): Promise<RefreshOutcome>;
  findUser(id: string): Promise<UserRow | null>;
  sessionExists(id: string): Promise<boolean>;
  /** Ends sessions: `global` all of the user's, `local` this one, `others` all but this one. */
  logout(
    userId: string,
    sessionId: string | null,
    scope: 'global' | 'local' | 'others',
  ): Promise<void>;
}

export function createAuthStore(sql: Sql): AuthStore {
  // A real bcrypt hash to compare against when the email is unknown, so a wrong email costs the
  // same time as a wrong password and response times do not reveal who has an account.
  let decoyHash: Promise<string> | undefined;
  const decoy = () =>
    decoyHash ??=
      sql`select extensions.crypt(${crypto.randomUUID()}, extensions.gen_salt('bf')) as h`
        .then(([r]) => r.h as string);

  async function checkPassword(email: string, password: string, aud: string) {
    const rows = await sql.unsafe(
      `select ${USER_JSON('u')} as user,
              coalesce(u.encrypted_password like '$2%'
                and u.encrypted_password = extensions.crypt($2, u.encrypted_password), false) as ok
         from auth.users as u
        where lower(u.email) = lower($1) and u.aud = $3 and u.is_sso_user = false
          and u.deleted_at is null
        limit 1`,
      [email, password, aud],
    );
    if (rows.length === 0) {
      await sql`select extensions.crypt(${password}, ${await decoy()})`;
      return null;
    }
    return { user: rows[0].user as UserRow, passwordOk: rows[0].ok === true };
  }

  async function createSession(userId: string, client: { userAgent?: string; ip?: string }) {
    const token = newRefreshToken();
    // One statement: session, its first token and the sign-in stamp commit together.
    const [row] = await sql.unsafe(
      `with s as (
         insert into auth.sessions (id, user_id, created_at, updated_at, aal, user_agent, ip)
         values (gen_random_uuid(), $1, now(), now(), 'aal1', $2, $3::inet)
         returning *
       ), t as (
         insert into auth.refresh_tokens
           (instance_id, token, user_id, revoked, created_at, updated_at, parent, session_id)
         select '00000000-0000-0000-0000-000000000000', $4, $1::text, false, now(), now(), null, s.id
           from s
       ), u as (
         update auth.users set last_sign_in_at = now() where id = $1 returning *
       )
       select ${USER_JSON('u')} as user, ${SESSION_JSON('s')} as session from s, u`,
      [userId, client.userAgent ?? null, validIp(client.ip), token],
    );
    return { user: row.user as UserRow, session: row.session as SessionRow, refreshToken: token };
  }

  async function refresh(token: string, reuseIntervalSeconds: number): Promise<RefreshOutcome> {
    const [found] = await sql`select session_id from auth.refresh_tokens where token = ${token}`;
    if (!found) return { kind: 'not_found' };
    if (!found.session_id) {
      await sql`delete from auth.refresh_tokens where token = ${token}`;
      return { kind: 'no_session' };
    }
    return await sql.begin(async (tx): Promise<RefreshOutcome> => {
      // Lock the session first; the token reads below run after the lock, on fresh snapshots.
      const [session] = await tx.unsafe(
        `select ${SESSION_JSON('s')} as session, ${USER_JSON('u')} as user,
                s.not_after is not null and s.not_after < now() as expired
           from auth.sessions as s join auth.users as u on u.id = s.user_id
          where s.id = $1
            for update of s`,
        [found.session_id],
      );
      if (!session) return { kind: 'no_session' };
      const user = session.user as UserRow;
      if (isBanned(user, Date.now())) {
        return { kind: 'banned', user };
      }
      if (session.expired) return { kind: 'expired', user };
      const [tokens] = await tx`select
          (select jsonb_build_object('id', p.id, 'revoked', p.revoked,
                    'updated_at_ms', (extract(epoch from p.updated_at) * 1000)::bigint)
             from auth.refresh_tokens as p where p.token = ${token}) as presented,
          (select jsonb_build_object('token', a.token, 'parent', a.parent)
             from auth.refresh_tokens as a
            where a.session_id = ${found.session_id} and a.revoked = false
            order by a.id desc limit 1) as active`;
      const presented = tokens.presented as
        | { id: number; revoked: boolean; updated_at_ms: number }
        | null;
      if (!presented) return { kind: 'not_found' }; // the session ended meanwhile
      const decision = decideRefresh(
        {
          token,
          revoked: presented.revoked === true,
          updatedAtMs: Number(presented.updated_at_ms),
        },
        tokens.active,
        Date.now(),
        reuseIntervalSeconds,
      );
      const sessionRow = session.session as SessionRow;
      if (decision.kind === 'reuse_detected') {
        // A revoked token used again after the grace interval: treat it as stolen and end the
        // session, so neither the thief nor the owner can refresh it (the owner signs in again).
        await tx`delete from auth.sessions where id = ${sessionRow.id}`;
        return { kind: 'reuse_detected' };
      }
      // One statement for the writes: swap the token (unless the active child is handed back)
      // and stamp the session's refresh.
      const swap = decision.kind === 'rotate';
      const refreshToken = swap ? newRefreshToken() : decision.token;
      await tx`with revoked as (
          update auth.refresh_tokens set revoked = true, updated_at = now()
           where ${swap} and id = ${presented.id}
        ), child as (
          insert into auth.refresh_tokens
            (instance_id, token, user_id, revoked, created_at, updated_at, parent, session_id)
          select '00000000-0000-0000-0000-000000000000', ${refreshToken}, ${user.id}, false,
                 now(), now(), ${token}, ${sessionRow.id}
           where ${swap}
        )
        update auth.sessions set refreshed_at = now() at time zone 'utc', updated_at = now()
         where id = ${sessionRow.id}`;
      return { kind: 'issued', issued: { user, session: sessionRow, refreshToken } };
    }) as RefreshOutcome;
  }

  async function findUser(id: string): Promise<UserRow | null> {
    const rows = await sql.unsafe(
      `select ${USER_JSON('u')} as user from auth.users as u
      where u.id = $1 and u.deleted_at is null`,
      [id],
    );
    return rows.length ? rows[0].user as UserRow : null;
  }

  async function sessionExists(id: string): Promise<boolean> {
    const rows = await sql`select 1 from auth.sessions where id = ${id}`;
    return rows.length > 0;
  }

  async function logout(userId: string, sessionId: string | null, scope: string) {
    if (scope === 'local' && sessionId) {
      await sql`delete from auth.sessions where id = ${sessionId}`;
    } else if (scope === 'others' && sessionId) {
      await sql`delete from auth.sessions where user_id = ${userId} and id <> ${sessionId}`;
    } else {
      await sql`delete from auth.sessions where user_id = ${userId}`;
    }
  }

  return { checkPassword, createSession, refresh, findUser, sessionExists, logout };
}

/** The client address if it parses as one (auth.sessions.ip is inet), else null. */
function validIp(ip: string | undefined): string | null {
  if (!ip) return null;
  return /^[0-9a-fA-F:.]+$/.test(ip) ? ip : null;
}
