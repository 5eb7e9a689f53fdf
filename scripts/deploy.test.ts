// scripts/deploy.sh (dry run: the exact commands, in order, secrets masked; usage errors) and
// scripts/verify.sh (against a small HTTP server that answers like a ready / not-ready deploy).
import assert from 'node:assert/strict';

const ROOT = new URL('..', import.meta.url).pathname;
const SECRET_DB_PASSWORD = 'pw-' + crypto.randomUUID();
const WORKER_SECRET = 'ws-' + crypto.randomUUID();

async function sh(args: string[], env: Record<string, string> = {}) {
  // a clean environment: the test stack's own variables must not stand in for the file's
  const out = await new Deno.Command('bash', {
    args,
    cwd: ROOT,
    env: { PATH: Deno.env.get('PATH') ?? '', ...env },
    clearEnv: true,
    stdout: 'piped',
    stderr: 'piped',
  })
    .output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

async function envFile(extra = ''): Promise<string> {
  const path = await Deno.makeTempFile({ suffix: '.env' });
  await Deno.writeTextFile(
    path,
    `SUPABASE_PROJECT_REF=abcdefghijklmnopqrst
SUPABASE_DB_URL=postgresql://postgres:${SECRET_DB_PASSWORD}@db.abcdefghijklmnopqrst.supabase.co:5432/postgres
WORKER_SECRET=${WORKER_SECRET}
AWS_REGION=eu-west-1
${extra}`,
  );
  return path;
}

Deno.test('deploy.sh --dry-run - prints every step in order with its exact command, secrets masked', async () => {
  const file = await envFile('TALLYQ_ALERT_WEBHOOK_URL=https://hooks.example.test/x\n');
  const r = await sh(['scripts/deploy.sh', '--env', 'staging', '--env-file', file, '--dry-run']);
  assert.equal(r.code, 0, r.stderr);
  const steps = r.stdout.split('\n').filter((l) => l.startsWith('== ')).map((l) => l.slice(3));
  assert.deepEqual(steps, ['db-push', 'secrets', 'functions', 'vault', 'cron', 'verify']);
  assert.match(
    r.stdout,
    /supabase db push --remote=postgresql:\/\/postgres:\*\*\*@db\.abcdefghijklmnopqrst/,
  );
  assert.match(r.stdout, /supabase functions deploy --use-api --remote=abcdefghijklmnopqrst --yes/);
  assert.match(r.stdout, /supabase secrets set --env-file <2 variables from /);
  assert.match(r.stdout, /cron\.schedule\('tallyq_receipt_sweep', '10 seconds'/);
  assert.match(r.stdout, /bash scripts\/verify\.sh https:\/\/abcdefghijklmnopqrst\.supabase\.co/);
  assert.ok(!r.stdout.includes(SECRET_DB_PASSWORD), 'the database password is never printed');
  assert.ok(!r.stdout.includes(WORKER_SECRET), 'the worker secret is never printed');
  assert.ok(!r.stdout.includes('hooks.example.test'), 'the alert webhook URL is never printed');
});

Deno.test('deploy.sh --skip - a skipped step says so and runs nothing', async () => {
  const file = await envFile();
  const r = await sh([
    'scripts/deploy.sh',
    '--env',
    'production',
    '--env-file',
    file,
    '--dry-run',
    '--skip',
    'functions',
    '--skip',
    'verify',
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /== functions: skipped/);
  assert.match(r.stdout, /== verify: skipped/);
  assert.ok(!r.stdout.includes('functions deploy'));
});

Deno.test('deploy.sh - usage and configuration errors exit 2 and name the problem', async () => {
  const file = await envFile();
  const noEnv = await sh(['scripts/deploy.sh', '--dry-run', '--env-file', file]);
  assert.equal(noEnv.code, 2);
  assert.match(noEnv.stderr, /--env staging\|production is required/);
  const badStep = await sh([
    'scripts/deploy.sh',
    '--env',
    'staging',
    '--env-file',
    file,
    '--skip',
    'nope',
  ]);
  assert.equal(badStep.code, 2);
  assert.match(badStep.stderr, /unknown step to skip: nope/);
  const partial = await Deno.makeTempFile();
  await Deno.writeTextFile(partial, 'SUPABASE_PROJECT_REF=abcdefghijklmnopqrst\n');
  const missing = await sh(['scripts/deploy.sh', '--env', 'staging', '--env-file', partial], {
    PATH: Deno.env.get('PATH') ?? '',
  });
  assert.equal(missing.code, 2);
  assert.match(
    missing.stderr,
    /missing in .*: SUPABASE_DB_URL WORKER_SECRET SUPABASE_ACCESS_TOKEN/,
  );
});

Deno.test({
  name: 'verify.sh - ready deploy exits 0; a not-ready one exits 1 naming the failed check',
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    let ready = true;
    const server = Deno.serve({ hostname: '127.0.0.1', port: 0, onListen: () => {} }, (req) => {
      const path = new URL(req.url).pathname;
      if (path === '/functions/v1/health/live') return Response.json({ status: 'alive' });
      const status = ready ? 200 : 503;
      return Response.json({ status: ready ? 'healthy' : 'unhealthy' }, { status });
    });
    try {
      const url = `http://127.0.0.1:${server.addr.port}`;
      const env = { PATH: Deno.env.get('PATH') ?? '', VERIFY_TIMEOUT_SECONDS: '0' };
      const ok = await sh(['scripts/verify.sh', url], env);
      assert.equal(ok.code, 0, ok.stdout);
      assert.match(ok.stdout, /ok {3}readiness \/health\/ready \(200\)/);
      ready = false;
      const bad = await sh(['scripts/verify.sh', url], env);
      assert.equal(bad.code, 1);
      assert.match(bad.stdout, /FAIL readiness \/health\/ready: HTTP 503/);
      assert.match(bad.stdout, /is NOT ready/);
    } finally {
      await server.shutdown();
    }
  },
});
