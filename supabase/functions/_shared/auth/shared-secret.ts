// Bearer shared secret for machine-to-machine calls (database -> worker), compared in constant time.
import { createHash, timingSafeEqual } from 'node:crypto';
import { Unauthorized } from '../http/errors.ts';

export function assertSharedSecret(req: Request, expected: string): void {
  const presented = req.headers.get('authorization')?.match(/^Bearer\s+(.+)$/i)?.[1];
  if (!presented) throw new Unauthorized('Missing authorization header');
  // Hash both sides first: equal lengths for timingSafeEqual, and the secret's length never leaks.
  const digest = (s: string) => createHash('sha256').update(s).digest();
  if (!timingSafeEqual(digest(presented), digest(expected))) {
    throw new Unauthorized('Invalid worker secret');
  }
}
