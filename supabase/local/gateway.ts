// What the local gateway decides before a function runs, as the hosted API gateway does: which
// functions have `verify_jwt` (config.toml), and the JWT check itself. Pure, tested in
// gateway.test.ts; used by functions-server.ts.
import { bearerToken } from '../functions/_shared/auth/jwt.ts';

/** `[functions.<name>] verify_jwt = <bool>` sections of config.toml (default true, as hosted). */
export function readVerifyJwt(toml: string): Map<string, boolean> {
  const result = new Map<string, boolean>();
  let current: string | null = null;
  for (const line of toml.split('\n')) {
    const section = line.match(/^\s*\[functions\.([A-Za-z0-9_-]+)\]\s*$/);
    if (section) {
      current = section[1];
      result.set(current, true);
      continue;
    }
    if (/^\s*\[/.test(line)) current = null;
    const setting = line.match(/^\s*verify_jwt\s*=\s*(true|false)\s*$/);
    if (current && setting) result.set(current, setting[1] === 'true');
  }
  return result;
}

/** The gateway's check for `verify_jwt = true`: any valid project JWT (anon, service_role, user). */
export async function gatewayAuth(
  req: Request,
  verifier: { verify(token: string, o: { anyAudience: boolean }): Promise<unknown> },
): Promise<void> {
  if (req.method === 'OPTIONS') return; // preflights carry no credentials
  await verifier.verify(bearerToken(req), { anyAudience: true });
}
