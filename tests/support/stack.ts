// Shared helpers for end-to-end tests against the running stack (env from .tallyq/<profile>/stack.env).
// Users and tokens come from ./users.ts, which the benchmarks share.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import postgres from 'postgres';
import { sha256Hex } from '../../supabase/functions/_shared/crypto/sha256.ts';
import { createUsers as createStackUsers, mintUserJwt as mintJwtFor, type Owner } from './users.ts';

export function env(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: run through npm test, or load .tallyq/dev/stack.env`);
  }
  return value;
}

export const SAMPLE_DIR = new URL('../fixtures/receipts/', import.meta.url).pathname;
export const sampleFile = (id: string) => join(SAMPLE_DIR, `${id}.jpg`);
export const readSample = (id: string) => readFile(sampleFile(id));

/** A Postgres array literal, for `${pgArray(ids)}::uuid[]` (ids are uuids or plain tokens). */
export const pgArray = (items: string[]) => `{${items.join(',')}}`;

export const sql = postgres(env('SUPABASE_DB_URL'), { max: 4, onnotice: () => {} });

export type TestUser = { id: string; email: string; orgId: string; jwt: string };

/**
 * A fresh user (the sign-up trigger gives them a personal organisation) signed in for real: a
 * password is set and the access token comes from the auth stand-in's password grant, as an app
 * gets it (ES256, with a session). Use mintUserJwt for tokens a sign-in cannot give (expired).
 */
export async function createUser(
  label = 'user',
  profile: { full_name?: string; phone?: string } = {},
): Promise<TestUser> {
  const id = crypto.randomUUID();
  const email = `${label}-${id}@test.tallyq.local`;
  const password = `pw-${id}`;
  // with a profile: the name and phone the sign-up form collects (personal data for erasure tests)
  const meta = profile.full_name ? { full_name: profile.full_name } : {};
  await sql`insert into auth.users (id, email, phone, role, aud, raw_user_meta_data,
      encrypted_password, email_confirmed_at)
    values (${id}, ${email}, ${profile.phone ?? null}, 'authenticated', 'authenticated',
      ${sql.json(meta)}, extensions.crypt(${password}, extensions.gen_salt('bf')), now())`;
  const [{ organisation_id }] = await sql`
    select organisation_id from public.memberships where user_id = ${id} and role = 'owner'`;
  return { id, email, orgId: organisation_id, jwt: await signIn(email, password) };
}

/** GoTrue's password grant against the stack's auth stand-in: the session's access token. */
export async function signIn(email: string, password: string): Promise<string> {
  const res = await fetch(`${env('SUPABASE_URL')}/auth/v1/token?grant_type=password`, {
    method: 'POST',
    headers: { apikey: env('SUPABASE_ANON_KEY'), 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  const body = await res.json();
  if (res.status !== 200) {
    throw new Error(`sign-in ${email}: ${res.status} ${JSON.stringify(body)}`);
  }
  return body.access_token as string;
}

export type PasswordUser = { id: string; email: string; password: string; orgId: string };

/**
 * A user who can sign in through the auth stand-in (/auth/v1/token): bcrypt password (pgcrypto, as
 * GoTrue stores it) and, unless `confirmed` is false, a confirmed email.
 */
export async function createPasswordUser(
  label = 'signin',
  opts: { confirmed?: boolean; bannedUntil?: Date } = {},
): Promise<PasswordUser> {
  const id = crypto.randomUUID();
  const email = `${label}-${id}@test.tallyq.local`;
  const password = `pw-${crypto.randomUUID()}`;
  await sql`insert into auth.users (id, email, role, aud, encrypted_password, email_confirmed_at,
      banned_until, raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
    values (${id}, ${email}, 'authenticated', 'authenticated',
      extensions.crypt(${password}, extensions.gen_salt('bf')),
      ${opts.confirmed === false ? null : new Date()}, ${opts.bannedUntil ?? null},
      ${sql.json({ provider: 'email', providers: ['email'] })}, ${sql.json({ name: label })},
      now(), now())`;
  const [{ organisation_id }] = await sql`
    select organisation_id from public.memberships where user_id = ${id} and role = 'owner'`;
  return { id, email, password, orgId: organisation_id };
}

/** Many users in one statement, for load tests. */
export const createUsers = (count: number, label = 'bulk'): Promise<Owner[]> =>
  createStackUsers(sql, count, label);

export const mintUserJwt = (sub: string, email: string, ttlSeconds = 3600): Promise<string> =>
  mintJwtFor(
    {
      SUPABASE_URL: env('SUPABASE_URL'),
      JWT_SECRET: env('JWT_SECRET'),
      AUTH_SIGNING_KEY_PATH: process.env.AUTH_SIGNING_KEY_PATH,
    },
    sub,
    email,
    ttlSeconds,
  );

export { sha256Hex as sha256 };

/**
 * Stores receipts the way the upload API does (blob under <org>/<owner>/<sha>.jpg, then one insert
 * whose trigger enqueues and kicks the worker), without going through HTTP. For worker tests.
 */
export async function storeReceipts(
  items: { owner: { id: string; orgId: string }; bytes: Uint8Array; contentType?: string }[],
): Promise<string[]> {
  const root = env('LOCAL_STORAGE_DIR');
  const rows = await Promise.all(items.map(async ({ owner, bytes, contentType }) => {
    const sha = sha256Hex(bytes);
    const ext = contentType === 'application/pdf' ? 'pdf' : 'jpg';
    const path = `${owner.orgId}/${owner.id}/${sha}.${ext}`;
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), bytes);
    return {
      organisation_id: owner.orgId,
      owner_id: owner.id,
      storage_path: path,
      sha256: sha,
      content_type: contentType ?? 'image/jpeg',
      size_bytes: bytes.byteLength,
    };
  }));
  const inserted = await sql`insert into public.receipts ${
    sql(rows, 'organisation_id', 'owner_id', 'storage_path', 'sha256', 'content_type', 'size_bytes')
  } returning id`;
  return inserted.map((r) => r.id as string);
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false>,
  timeoutMs = 60_000,
  intervalMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value) return value;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
}

const SETTLED = ['ocr_done', 'needs_review', 'failed'];

/** Waits until every receipt reached a settled status; returns their rows. */
export function waitSettled(ids: string[], timeoutMs = 60_000) {
  return waitFor(`receipts ${ids.length} settled`, async () => {
    const rows = await sql`select * from public.receipts where id = any(${pgArray(ids)}::uuid[])`;
    return rows.length === ids.length && rows.every((r) => SETTLED.includes(r.status))
      ? rows
      : null;
  }, timeoutMs);
}

/** The pg_cron sweep's own command: asks the worker to drain through pg_net. */
export async function cronSweep(): Promise<void> {
  await sql`select private.kick_function('receipt-worker', 'cron')`;
}

/** One synchronous drain of the worker (what several hosted instances would each do). */
export async function drainWorker(): Promise<Record<string, unknown>> {
  const res = await fetch(`${env('FUNCTIONS_URL')}/receipt-worker?wait=1`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${env('WORKER_SECRET')}` },
  });
  if (res.status !== 200) throw new Error(`worker answered ${res.status}: ${await res.text()}`);
  return await res.json();
}

// ---- the local Textract endpoint's guarded admin API (fault injection, call counts) ----
async function textractAdmin(method: string, path: string, body?: unknown) {
  const res = await fetch(`${env('TEXTRACT_ENDPOINT')}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${env('TEXTRACT_ADMIN_TOKEN')}`,
      'content-type': 'application/json',
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) {
    throw new Error(`textract admin ${method} ${path}: ${res.status} ${await res.text()}`);
  }
  return await res.json();
}

export type FaultRule = {
  fault: 'throttle' | 'server_error' | 'malformed' | 'delay' | 'error';
  times?: number;
  operation?: string;
  ms?: number;
  type?: string;
  status?: number;
};
export const setFaults = (rules: FaultRule[]) => textractAdmin('POST', '/__faults', rules);
export const clearFaults = () => textractAdmin('DELETE', '/__faults');
export const textractCalls = async (): Promise<Record<string, number>> =>
  (await textractAdmin('GET', '/__stats')).calls;
export const resetTextractCalls = () => textractAdmin('DELETE', '/__stats');
