// Whether two engines' readings of a field are the same text: exactly for figures and codes, and
// for names and addresses also when they differ by a few OCR slips ("B17S0" against "B17SO"), so
// near-identical readings add up their votes instead of splitting them.

/** Upper-case letters and digits only. */
export function normKey(v: string): string {
  return v.toUpperCase().replace(/[^A-Z0-9]+/g, '');
}

/** Levenshtein distance, stopping early once it exceeds `max`. */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let low = i;
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      low = Math.min(low, cur[j]);
    }
    if (low > max) return max + 1;
    prev = cur;
  }
  return prev[b.length];
}

/** Fields read as free text, where a few slips between readings still mean the same value. */
const FREE_TEXT = new Set(['vendor', 'address']);

export function sameReading(field: string, a: string, b: string): boolean {
  const x = normKey(a), y = normKey(b);
  if (x === y) return true;
  if (!FREE_TEXT.has(field)) return false;
  const max = Math.floor(Math.min(x.length, y.length) / 12);
  return max > 0 && editDistance(x, y, max) <= max;
}
