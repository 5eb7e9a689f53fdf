import assert from 'node:assert/strict';
import { clientIp, loadClientIpOptions, peerAddress, withPeerAddress } from './client-ip.ts';

const request = (headers: Record<string, string> = {}) =>
  new Request('http://fn.test/', { headers });
const spoofed = { 'x-forwarded-for': '203.0.113.66', 'cf-connecting-ip': '203.0.113.77' };

Deno.test('client ip - with nothing trusted the peer is the client; forwarded headers are ignored', () => {
  assert.equal(clientIp(request(spoofed), {}, '198.51.100.9'), '198.51.100.9');
  assert.equal(
    clientIp(request(spoofed), { clientIpHeader: 'cf-connecting-ip' }, '198.51.100.9'),
    '198.51.100.9',
    'a client-ip header counts only from a trusted peer',
  );
});

Deno.test('client ip - a trusted proxy by CIDR: X-Forwarded-For read from the right, client-prepended entries never count', () => {
  const opts = { trustedProxies: ['10.0.0.0/8'] };
  const req = request({ 'x-forwarded-for': '203.0.113.66, 198.51.100.7, 10.1.2.3' });
  assert.equal(clientIp(req, opts, '10.0.0.1'), '198.51.100.7');
  // The same headers from a peer outside the range: the peer.
  assert.equal(clientIp(req, opts, '192.0.2.44'), '192.0.2.44');
});

Deno.test('client ip - N trusted hops: the N-th entry from the right, even without a visible peer', () => {
  const req = request({ 'x-forwarded-for': '203.0.113.66, 198.51.100.7' });
  assert.equal(clientIp(req, { trustedHops: 1 }, '100.64.0.1'), '198.51.100.7');
  assert.equal(clientIp(req, { trustedHops: 1 }), '198.51.100.7');
  assert.equal(clientIp(req, { trustedHops: 2 }, '100.64.0.1'), '203.0.113.66');
  assert.equal(clientIp(request(), {}), undefined);
});

Deno.test('client ip - a header set by a trusted proxy (cf-connecting-ip) names the client', () => {
  const opts = { trustedProxies: ['173.245.48.0/20'], clientIpHeader: 'cf-connecting-ip' };
  assert.equal(clientIp(request(spoofed), opts, '173.245.48.10'), '203.0.113.77');
});

Deno.test('client ip - options from env; a bad CIDR fails at start-up, naming the variable', () => {
  assert.deepEqual(loadClientIpOptions({}), {
    trustedProxies: [],
    trustedHops: 0,
    clientIpHeader: undefined,
  });
  assert.deepEqual(
    loadClientIpOptions({
      RATE_LIMIT_TRUSTED_PROXIES: 'loopback, 10.0.0.0/8',
      RATE_LIMIT_XFF_TRUSTED_HOPS: '1',
      RATE_LIMIT_CLIENT_IP_HEADER: 'CF-Connecting-IP',
    }),
    {
      trustedProxies: ['loopback', '10.0.0.0/8'],
      trustedHops: 1,
      clientIpHeader: 'cf-connecting-ip',
    },
  );
  assert.throws(
    () => loadClientIpOptions({ RATE_LIMIT_TRUSTED_PROXIES: '10.0.0.0/99' }),
    /RATE_LIMIT_TRUSTED_PROXIES/,
  );
});

Deno.test('client ip - withPeerAddress records the serve handler peer for the request', async () => {
  let seen: string | undefined;
  const handler = withPeerAddress((req) => {
    seen = peerAddress(req);
    return new Response('ok');
  });
  await handler(request(), { remoteAddr: { hostname: '192.0.2.5' } });
  assert.equal(seen, '192.0.2.5');
});
