// Is this request made with the service role? For endpoints that answer everyone but show
// operators more (health details), or only operators (ops metrics, erasure). Never throws.
import type { JwtVerifier } from './jwt.ts';

export function serviceRoleCheck(verifier: JwtVerifier): (req: Request) => Promise<boolean> {
  return async (req) => {
    const header = req.headers.get('authorization') ?? '';
    const token = /^Bearer[ ]+(\S+)$/i.exec(header)?.[1];
    try {
      if (token?.startsWith('sb_secret_')) {
        const probe = new Request(req.url, { headers: { apikey: token } });
        return (await verifier.verifyApiKey(probe)).role === 'service_role';
      }
      if (token) {
        const claims = await verifier.verify(token, { anyAudience: true });
        return claims.role === 'service_role';
      }
      if (req.headers.get('apikey')) {
        return (await verifier.verifyApiKey(req)).role === 'service_role';
      }
    } catch {
      // an invalid or expired token is simply not the service role
    }
    return false;
  };
}
