import assert from 'node:assert/strict';
import { createJwtVerifier, mintJwt } from './jwt.ts';
import { serviceRoleCheck } from './service-role.ts';

const SECRET = 'x'.repeat(40);
const isServiceRole = serviceRoleCheck(createJwtVerifier({
  secret: SECRET,
  opaqueKeys: { secret: ['sb_secret_abcdefgh12345678'], publishable: ['sb_publishable_x1'] },
}));
const req = (headers: Record<string, string>) => new Request('http://local/x', { headers });

Deno.test('serviceRoleCheck - a service_role key is the service role', async () => {
  const key = await mintJwt({ role: 'service_role', iss: 'supabase' }, SECRET);
  assert.equal(await isServiceRole(req({ authorization: `Bearer ${key}` })), true);
  assert.equal(await isServiceRole(req({ apikey: key })), true);
  assert.equal(
    await isServiceRole(req({ authorization: 'Bearer sb_secret_abcdefgh12345678' })),
    true,
  );
});

Deno.test('serviceRoleCheck - anon, users, bad signatures, expired and absent tokens are not', async () => {
  const anon = await mintJwt({ role: 'anon', iss: 'supabase' }, SECRET);
  const user = await mintJwt({ role: 'authenticated', sub: 'u1', aud: 'authenticated' }, SECRET);
  const forged = await mintJwt({ role: 'service_role' }, 'y'.repeat(40));
  const expired = await mintJwt({ role: 'service_role' }, SECRET, -10);
  const cases: Record<string, string>[] = [
    { authorization: `Bearer ${anon}` },
    { authorization: `Bearer ${user}` },
    { authorization: `Bearer ${forged}` },
    { authorization: `Bearer ${expired}` },
    { authorization: 'Bearer sb_secret_wrongwrongwrong' },
    {},
  ];
  for (const headers of cases) {
    assert.equal(await isServiceRole(req(headers)), false, JSON.stringify(headers).slice(0, 40));
  }
});
