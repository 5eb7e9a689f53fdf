// Usage: node scripts/bench/worker-throughput/graphile.mjs <database-url> [jobs=10000] [concurrency=10] [runs=3]
//
// The reference for `npm run bench:pipeline` part (a): graphile-worker's no-op job throughput
// with its default settings (pool, poll interval, job fetch) at the given concurrency. Run it
// against a database of its own: migrate creates the `graphile_worker` schema there. Each run
// queues <jobs> no-op jobs in one statement, then times a runner from start until the queue is
// empty. Prints one JSON line: {"jobs", "concurrency", "runs": [{"seconds", "jobs_per_s"}]}.
// Plain Node (graphile-worker 0.16 runs on Node 20), so the reference runs as its users run it.
import pg from 'pg';
import { Logger, run, runMigrations } from 'graphile-worker';

const [url, jobsArg, concurrencyArg, runsArg] = process.argv.slice(2);
if (!url) {
  console.error(
    'usage: node scripts/bench/worker-throughput/graphile.mjs <database-url> [jobs] [concurrency] [runs]',
  );
  process.exit(2);
}
const jobs = Number(jobsArg ?? 10000);
const concurrency = Number(concurrencyArg ?? 10);
const runs = Number(runsArg ?? 3);
const logger = new Logger(() => () => {});

await runMigrations({ connectionString: url, logger });
const client = new pg.Client({ connectionString: url });
await client.connect();
const pending = async () =>
  Number((await client.query('select count(*) as n from graphile_worker._private_jobs')).rows[0].n);

const results = [];
for (let i = 0; i < runs; i++) {
  await client.query('delete from graphile_worker._private_jobs');
  await client.query(
    `select graphile_worker.add_job('noop', json_build_object('i', g)) from generate_series(1, $1) as g`,
    [jobs],
  );
  let done = 0;
  const t0 = performance.now();
  const runner = await run({
    connectionString: url,
    concurrency,
    logger,
    noHandleSignals: true,
    taskList: {
      noop: () => {
        done++;
      },
    },
  });
  while (done < jobs) await new Promise((r) => setTimeout(r, 20));
  while ((await pending()) > 0) await new Promise((r) => setTimeout(r, 20));
  const seconds = (performance.now() - t0) / 1000;
  await runner.stop();
  results.push({ seconds, jobs_per_s: jobs / seconds });
}
await client.end();
console.log(JSON.stringify({ jobs, concurrency, runs: results }));
