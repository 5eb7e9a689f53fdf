// Several stacks side by side: every port of a profile derives from TALLYQ_PORT_BASE, a checkout's
// profiles never share a port, and two checkouts with bases 300 apart never do either. The
// running test stack (npm test's own) uses exactly the ports `stack.sh ports` names.
import assert from 'node:assert/strict';

const ROOT = new URL('..', import.meta.url).pathname;

async function ports(profile: string, base?: string): Promise<Record<string, number>> {
  const env: Record<string, string> = { PATH: Deno.env.get('PATH') ?? '/usr/bin:/bin' };
  if (base !== undefined) env.TALLYQ_PORT_BASE = base;
  const out = await new Deno.Command('bash', {
    args: ['scripts/stack.sh', 'ports', '--profile', profile],
    cwd: ROOT,
    env,
    clearEnv: true,
  }).output();
  if (!out.success) throw new Error(new TextDecoder().decode(out.stderr).trim());
  return Object.fromEntries(
    new TextDecoder().decode(out.stdout).trim().split('\n').map((l) => {
      const [k, v] = l.split('=');
      return [k, Number(v)];
    }),
  );
}

const PROFILES = ['dev', 'test', 'bench'];

Deno.test('stack ports - every port of a profile derives from TALLYQ_PORT_BASE', async () => {
  assert.deepEqual(await ports('test', '43000'), {
    API_PORT: 43021,
    DB_PORT: 43022,
    REDIS_PORT: 43079,
    TEXTRACT_PORT: 43080,
    UPSTASH_PORT: 43081,
    S3_PORT: 43082,
    APP_PORT: 43083,
  });
  const dev = await ports('dev', '43000');
  assert.equal(dev.API_PORT, 43121);
  assert.equal((await ports('bench', '43000')).DB_PORT, 43222);
  // Without a base: the fixed defaults (dev 543xx, test 553xx).
  assert.equal((await ports('dev')).API_PORT, 54321);
  assert.equal((await ports('test')).DB_PORT, 55322);
});

Deno.test('stack ports - no two profiles, nor two checkouts 300 apart, share a port', async () => {
  const seen = new Map<number, string>();
  for (const base of ['43000', '43300']) {
    for (const profile of PROFILES) {
      for (const [name, port] of Object.entries(await ports(profile, base))) {
        const who = `${base}/${profile}/${name}`;
        assert.ok(!seen.has(port), `${who} collides with ${seen.get(port)}`);
        seen.set(port, who);
      }
    }
  }
  assert.equal(seen.size, 2 * 3 * 7);
});

Deno.test('stack ports - a bad TALLYQ_PORT_BASE is refused with a message', async () => {
  await assert.rejects(ports('test', 'abc'), /must be a number/);
  await assert.rejects(ports('test', '80'), /between 1024 and 65200/);
  await assert.rejects(ports('bench', '65300'), /between 1024 and 65200/);
});

Deno.test({
  name: 'stack ports - the running test stack listens where stack.sh says',
  ignore: Deno.env.get('TALLYQ_PROFILE') !== 'test' || !Deno.env.get('SUPABASE_DB_URL'),
  fn: async () => {
    const expected = await ports('test', Deno.env.get('TALLYQ_PORT_BASE'));
    assert.equal(new URL(Deno.env.get('SUPABASE_URL')!).port, String(expected.API_PORT));
    assert.equal(new URL(Deno.env.get('TEXTRACT_S3_ENDPOINT')!).port, String(expected.S3_PORT));
    assert.equal(new URL(Deno.env.get('APP_URL')!).port, String(expected.APP_PORT));
    assert.equal(
      new URL(Deno.env.get('SUPABASE_DB_URL')!.replace(/^postgresql:/, 'http:')).port,
      String(expected.DB_PORT),
    );
  },
});
