// Job store for the local endpoint's StartExpenseAnalysis / GetExpenseAnalysis. Jobs run in the
// background of the server process. With a directory (TEXTRACT_JOBS_DIR, set by the local stack)
// every job is kept on disk, as AWS keeps jobs for days: a restarted endpoint answers for finished
// jobs and re-runs the ones it was in the middle of (from the stored document), so an in-flight PDF
// is not dead-lettered by a restart. Without a directory, jobs live in memory only (unit tests).
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

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

type StoredJob = Omit<Job, 'done'> & { token?: string };

export class JobStore {
  #jobs = new Map<string, Job>();
  #byToken = new Map<string, string>();

  constructor(readonly maxJobs = 500, readonly dir?: string) {
    if (dir) mkdirSync(dir, { recursive: true });
  }

  #save(job: Job): void {
    if (!this.dir) return;
    const { done: _done, ...record } = job;
    const token = [...this.#byToken].find(([, id]) => id === job.id)?.[0];
    writeFileSync(join(this.dir, `${job.id}.json`), JSON.stringify({ ...record, token }));
  }

  /**
   * Loads the jobs kept on disk; those still IN_PROGRESS when the last process stopped run again
   * through `workFor(document bytes)`. Call once at start.
   */
  resume(workFor: (input: Uint8Array) => (job: Job) => Promise<void>): number {
    if (!this.dir) return 0;
    let resumed = 0;
    for (const name of readdirSync(this.dir).filter((n) => n.endsWith('.json')).sort()) {
      const stored = JSON.parse(readFileSync(join(this.dir, name), 'utf8')) as StoredJob;
      const { token, ...fields } = stored;
      const job: Job = { ...fields, done: Promise.resolve() };
      this.#jobs.set(job.id, job);
      if (token) this.#byToken.set(token, job.id);
      const input = join(this.dir, `${job.id}.bin`);
      if (job.status === 'IN_PROGRESS' && existsSync(input)) {
        job.documents = [];
        job.warnings = [];
        this.#run(job, workFor(new Uint8Array(readFileSync(input))));
        resumed++;
      }
    }
    return resumed;
  }

  get(id: string): Job | undefined {
    return this.#jobs.get(id);
  }

  /** The job an earlier Start with the same ClientRequestToken created, if any. */
  byToken(token: string): Job | undefined {
    const id = this.#byToken.get(token);
    return id ? this.#jobs.get(id) : undefined;
  }

  /**
   * Registers a job and runs `work` in the background; `work` fills in documents/warnings.
   * `input` (the document) is kept with the job so a restart can run it again.
   */
  start(work: (job: Job) => Promise<void>, token?: string, input?: Uint8Array): Job {
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
    if (this.dir && input) writeFileSync(join(this.dir, `${job.id}.bin`), input);
    this.#save(job);
    this.#run(job, work);
    return job;
  }

  #run(job: Job, work: (job: Job) => Promise<void>): void {
    job.done = work(job).catch((err) => {
      job.status = 'FAILED';
      job.statusMessage = err instanceof Error ? err.message : String(err);
    }).finally(() => {
      this.#save(job);
      if (this.dir) rmSync(join(this.dir, `${job.id}.bin`), { force: true });
    });
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
      if (this.dir) rmSync(join(this.dir, `${id}.json`), { force: true });
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
