// Hash routes (#/receipts/<id>) to pages: a static server can serve the app without rewrites.

export type Match = { name: string; params: Record<string, string> };

const ROUTES: [string, RegExp][] = [
  ['signin', /^\/signin$/],
  ['receipts', /^\/receipts$/],
  ['receipt', /^\/receipts\/(?<id>[0-9a-f-]{36})$/],
  ['wallet', /^\/wallet$/],
  ['ops', /^\/ops$/],
];

export function matchRoute(hash: string): Match | null {
  const path = hash.replace(/^#/, '') || '/receipts';
  for (const [name, re] of ROUTES) {
    const m = path.match(re);
    if (m) return { name, params: { ...(m.groups ?? {}) } };
  }
  return null;
}
