// Usage: npm run test:ledger-concurrency [-- --clients 16 --ops 5000 --accounts 5 --seed N]
//          [--db-url URL]
//
// The randomized ledger workload at full size (issue 15: 16 clients × 5,000 random operations over
// a few hot accounts), with every invariant checked while it runs and after. The suite runs the
// same workload small (scripts/ledger-concurrency.test.ts). Prints the seed (re-run a failure with
// --seed) and a JSON report; exits non-zero on any error or violation. Without --db-url it uses
// the running test stack (.tallyq/test/stack.env).
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { createDb } from '../../../supabase/functions/_shared/db/client.ts';
import { postgresWalletLedger } from '../../../supabase/functions/_shared/ledger/wallet-port.ts';
import { runWorkload, setupWallets } from './workload.ts';

const { values: args } = parseArgs({
  args: Deno.args,
  options: {
    clients: { type: 'string', default: '16' },
    ops: { type: 'string', default: '5000' },
    accounts: { type: 'string', default: '5' },
    seed: { type: 'string' },
    'db-url': { type: 'string' },
  },
});
const url = args['db-url'] ??
  (await readFile('.tallyq/test/stack.env', 'utf8')).match(/^SUPABASE_DB_URL=(.*)$/m)?.[1];
if (!url) throw new Error('pass --db-url or start the test stack');
const seed = Number(args.seed ?? Date.now() % 1_000_000);
console.error(`seed ${seed}`);
const sql = createDb(url, { max: Number(args.clients) + 1 });
const { users } = await setupWallets(
  sql,
  postgresWalletLedger(sql),
  Number(args.accounts),
  'XTS',
  10_000_000,
);
const report = await runWorkload(sql, {
  clients: Number(args.clients),
  opsPerClient: Number(args.ops),
  seed,
  currency: 'XTS',
  users,
  monitorEveryMs: 2000,
});
await sql.end();
console.log(JSON.stringify({ ...report, errors: report.errors.slice(0, 20) }));
const failed = report.errors.length > 0 || report.violationsDuring > 0 ||
  report.violationsAfter.length > 0 || report.pendingsResolvedTwice > 0;
if (failed) {
  console.error(`FAILED (seed ${seed})`);
  Deno.exit(1);
}
console.error(
  `ok: ${report.ops} operations in ${report.seconds.toFixed(1)} s, no violation (seed ${seed})`,
);
