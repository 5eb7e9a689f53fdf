// Usage: npm run bench:auth [-- --profile dev|test --requests 200]
//   (= deno run -A scripts/bench/auth/index.ts …; the stack must be running: npm start)
// Latency of the auth stand-in (supabase/local/auth/) over HTTP, sequential requests: password
// sign-in (bcrypt in Postgres), refresh (rotation under the session lock), GET /user; and, side by
// side in the same run, interleaved, one receipts call with the stand-in's ES256 token (functions
// verify it through the cached JWKS) and with a legacy HS256 token (shared secret). Also the bare
// verification cost of each algorithm in process. Creates one user and deletes it at the end.
import { join } from 'node:path';
import postgres from 'postgres';
import { generateKeyPair, jwtVerify, SignJWT } from 'jose';
import { mintUserJwt, readStackEnv } from '../../../tests/support/users.ts';

function flag(args: string[], name: string, fallback: string): string {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

async function timed(fn: () => Promise<void>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

export async function run(ctx: { args: string[] }) {
  const profile = flag(ctx.args, 'profile', 'dev');
  const n = Number(flag(ctx.args, 'requests', '200'));
  if (!Number.isInteger(n) || n <= 0) throw new Error('--requests must be a positive integer');
  const root = new URL('../../../', import.meta.url).pathname;
  const env = await readStackEnv(join(root, `.tallyq/${profile}/stack.env`));
  const auth = `${env.SUPABASE_URL}/auth/v1`;
  const sql = postgres(env.SUPABASE_DB_URL, { max: 1, onnotice: () => {} });
  const id = crypto.randomUUID();
  const email = `bench-auth-${id}@test.tallyq.local`;
  const password = `pw-${id}`;
  await sql`insert into auth.users (id, email, role, aud, encrypted_password, email_confirmed_at,
      created_at, updated_at)
    values (${id}, ${email}, 'authenticated', 'authenticated',
      extensions.crypt(${password}, extensions.gen_salt('bf')), now(), now(), now())`;
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${auth}${path}`, {
      method: 'POST',
      headers: { apikey: env.SUPABASE_ANON_KEY, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return await res.json();
  };
  const get = async (url: string, token: string) => {
    const res = await fetch(url, {
      headers: { apikey: env.SUPABASE_ANON_KEY, Authorization: `Bearer ${token}` },
    });
    if (res.status !== 200) throw new Error(`${url}: ${res.status} ${await res.text()}`);
    await res.body?.cancel();
  };
  const results: Record<string, number[]> = {
    'sign-in (password grant)': [],
    'refresh (rotate)': [],
    'GET /auth/v1/user': [],
    'receipts GET, ES256 token (JWKS)': [],
    'receipts GET, HS256 token (secret)': [],
  };
  try {
    let session = await post('/token?grant_type=password', { email, password });
    const hs256 = await mintUserJwt(
      { SUPABASE_URL: env.SUPABASE_URL, JWT_SECRET: env.JWT_SECRET },
      id,
    );
    for (let i = 0; i < 5; i++) { // warm: connections, the functions' JWKS cache
      await get(`${env.FUNCTIONS_URL}/receipts`, session.access_token);
      await get(`${env.FUNCTIONS_URL}/receipts`, hs256);
    }
    for (let i = 0; i < n; i++) {
      results['sign-in (password grant)'].push(
        await timed(async () => void await post('/token?grant_type=password', { email, password })),
      );
      results['refresh (rotate)'].push(
        await timed(async () => {
          session = await post('/token?grant_type=refresh_token', {
            refresh_token: session.refresh_token,
          });
        }),
      );
      results['GET /auth/v1/user'].push(
        await timed(() => get(`${auth}/user`, session.access_token)),
      );
      results['receipts GET, ES256 token (JWKS)'].push(
        await timed(() => get(`${env.FUNCTIONS_URL}/receipts`, session.access_token)),
      );
      results['receipts GET, HS256 token (secret)'].push(
        await timed(() => get(`${env.FUNCTIONS_URL}/receipts`, hs256)),
      );
    }
  } finally {
    await sql`delete from auth.users where id = ${id}`;
    await sql.end();
  }
  // the verification alone, in process
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const secret = new TextEncoder().encode('x'.repeat(64));
  const claims = { sub: id, role: 'authenticated', aud: 'authenticated' };
  const es = await new SignJWT(claims).setProtectedHeader({ alg: 'ES256' }).setExpirationTime('1h')
    .sign(privateKey);
  const hs = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h')
    .sign(secret);
  const verifyUs = async (token: string, key: CryptoKey | Uint8Array) => {
    const t = performance.now();
    for (let i = 0; i < 2000; i++) await jwtVerify(token, key);
    return ((performance.now() - t) / 2000) * 1000;
  };
  const esUs = await verifyUs(es, publicKey);
  const hsUs = await verifyUs(hs, secret);

  console.log(`auth bench: ${env.SUPABASE_URL} (${profile}), ${n} sequential requests each`);
  console.log('operation                                 p50 ms   p95 ms   max ms');
  const rows = Object.entries(results).map(([name, xs]) => ({
    name,
    p50: +pct(xs, 50).toFixed(2),
    p95: +pct(xs, 95).toFixed(2),
    max: +Math.max(...xs).toFixed(2),
  }));
  for (const r of rows) {
    console.log(
      `${r.name.padEnd(40)}${r.p50.toFixed(2).padStart(8)} ${r.p95.toFixed(2).padStart(8)} ${
        r.max.toFixed(2).padStart(8)
      }`,
    );
  }
  console.log(
    `jwtVerify in process: ES256 ${esUs.toFixed(1)} µs, HS256 ${hsUs.toFixed(1)} µs per token; ` +
      `load average ${Deno.loadavg().map((l) => l.toFixed(2)).join(' ')}`,
  );
  console.log(JSON.stringify({ bench: 'auth', requests: n, results: rows, esUs, hsUs }));
}

if (import.meta.main) {
  await run({ args: Deno.args });
  Deno.exit(0);
}
