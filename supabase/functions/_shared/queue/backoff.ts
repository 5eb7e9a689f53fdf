// Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff and Jitter"):
// delay = random(0, min(max, base * 2^(attempt-1))), at least 1 second, so a burst of failures
// spreads out instead of retrying in lock-step.

export function backoffSeconds(
  attempt: number,
  baseSeconds: number,
  maxSeconds: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(maxSeconds, baseSeconds * 2 ** Math.max(0, attempt - 1));
  return Math.max(1, Math.round(random() * ceiling));
}
