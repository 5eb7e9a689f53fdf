// In-memory job store for the local endpoint's StartExpenseAnalysis / GetExpenseAnalysis.
// Jobs run in the background of the server process; a restart forgets them (the caller then gets
// InvalidJobIdException, as it would for an expired AWS job) and starts a new one.

import type {
  ExpenseDocument,
  JobStatus,
  Warning,
} from '../../functions/_shared/textract/types.ts';

export interface Job {
  id: string;
  status: JobStatus;
  createdAt: number;
  pages: number;
  documents: ExpenseDocument[];
  warnings: Warning[];
  statusMessage?: string;
  done: Promise<void>;
}

export class JobStore {
  #jobs = new Map<string, Job>();
  #byToken = new Map<string, string>();

  constructor(readonly maxJobs = 500) {}

  get(id: string): Job | undefined {
    return this.#jobs.get(id);
  }

  /** The job an earlier Start with the same ClientRequestToken created, if any. */
  byToken(token: string): Job | undefined {
    const id = this.#byToken.get(token);
    return id ? this.#jobs.get(id) : undefined;
  }

  /** Registers a job and runs `work` in the background; `work` fills in documents/warnings. */
  start(work: (job: Job) => Promise<void>, token?: string): Job {
    const job: Job = {
      id: crypto.randomUUID().replaceAll('-', ''),
      status: 'IN_PROGRESS',
      createdAt: Date.now(),
      pages: 0,
      documents: [],
      warnings: [],
      done: Promise.resolve(),
    };
    this.#evict();
    this.#jobs.set(job.id, job);
    if (token) this.#byToken.set(token, job.id);
    job.done = work(job).catch((err) => {
      job.status = 'FAILED';
      job.statusMessage = err instanceof Error ? err.message : String(err);
    });
    return job;
  }

  /** Waits for every running job (server shutdown, tests). */
  async settle(): Promise<void> {
    await Promise.all([...this.#jobs.values()].map((j) => j.done));
  }

  #evict(): void {
    if (this.#jobs.size < this.maxJobs) return;
    for (const [id, job] of this.#jobs) {
      if (job.status === 'IN_PROGRESS') continue;
      this.#jobs.delete(id);
      for (const [t, jid] of this.#byToken) if (jid === id) this.#byToken.delete(t);
      if (this.#jobs.size < this.maxJobs) return;
    }
  }
}

/** NextToken: opaque to callers, bound to the job so it cannot be replayed against another. */
export function encodeNextToken(jobId: string, offset: number): string {
  return btoa(`${jobId}:${offset}`);
}

export function decodeNextToken(jobId: string, token: string): number | null {
  try {
    const [id, off] = atob(token).split(':');
    const n = Number(off);
    return id === jobId && Number.isInteger(n) && n >= 0 ? n : null;
  } catch {
    return null;
  }
}
