// CPU seconds spent by this process and everything it runs (tesseract processes it waited for,
// live Paddle sidecars), read from /proc: unlike wall time, it holds while other work loads the
// machine, so OCR + parse cost can be compared across runs. Linux only.

import { readdirSync, readFileSync } from 'node:fs';

const TICKS = 100; // USER_HZ (getconf CLK_TCK) on Linux

/** utime, stime, cutime, cstime and ppid of one process (ticks), or null when it is gone. */
function stat(pid: number | 'self'): { own: number; children: number; ppid: number } | null {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name "(...)": state is field 3; utime..cstime are 14..17.
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return {
      ppid: Number(f[1]),
      own: Number(f[11]) + Number(f[12]),
      children: Number(f[13]) + Number(f[14]),
    };
  } catch {
    return null;
  }
}

/** Live descendants of `root` (pids). */
function descendants(root: number): number[] {
  const parent = new Map<number, number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const s = stat(Number(d));
    if (s) parent.set(Number(d), s.ppid);
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const [pid, pp] of parent) {
      if (pp === p) {
        out.push(pid);
        walk(pid);
      }
    }
  };
  walk(root);
  return out;
}

/** Total CPU seconds so far: this process, its reaped children, and its live descendants. */
export function cpuSeconds(): number {
  const self = stat('self');
  if (!self) return 0;
  let ticks = self.own + self.children;
  for (const pid of descendants(Deno.pid)) {
    const s = stat(pid);
    if (s) ticks += s.own + s.children;
  }
  return ticks / TICKS;
}
