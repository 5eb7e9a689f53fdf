// pgmq stand-in contract, across sessions: concurrent readers never receive the same message.
// Needs a database with the stand-ins installed (supabase/local/extensions/install.sh):
//   SUPABASE_DB_URL=postgresql://postgres:postgres@127.0.0.1:55322/postgres \
//     deno test -A supabase/local/pgmq.test.ts
import assert from 'node:assert/strict';
import postgres from 'npm:postgres@^3.4.5';

const dbUrl = Deno.env.get('SUPABASE_DB_URL');
const opts = { sanitizeOps: false, sanitizeResources: false };

type Sql = postgres.Sql;

function connect(): Sql {
  if (!dbUrl) throw new Error('SUPABASE_DB_URL is required for the pgmq contract tests');
  // a blocked read would hang: turn it into a failure instead
  return postgres(dbUrl, {
    max: 1,
    prepare: false,
    onnotice: () => {},
    connection: { statement_timeout: 5000 },
  });
}

async function withQueue(fn: (queue: string, admin: Sql) => Promise<void>): Promise<void> {
  const admin = connect();
  const queue = `t_conc_${crypto.randomUUID().replaceAll('-', '').slice(0, 12)}`;
  try {
    await admin`create extension if not exists pgmq`;
    await admin`select pgmq.create(${queue})`;
    await fn(queue, admin);
  } finally {
    await admin`select pgmq.drop_queue(${queue})`;
    await admin.end();
  }
}

Deno.test(
  'pgmq - two sessions: a message read in an open transaction is skipped, not shared',
  opts,
  async () => {
    await withQueue(async (queue, admin) => {
      await admin`select pgmq.send_batch(${queue}, array['{"n": 1}', '{"n": 2}']::jsonb[])`;
      const first = connect();
      const second = connect();
      try {
        await first.begin(async (tx) => {
          const [held] = await tx`select msg_id::int as id from pgmq.read(${queue}, 30, 1)`;
          assert.equal(held.id, 1);
          // session one still holds message 1 (uncommitted); session two must skip it, not block
          const other = await second`select msg_id::int as id from pgmq.read(${queue}, 30, 10)`;
          assert.deepEqual(other.map((row) => row.id), [2]);
        });
        const after = await second`select msg_id from pgmq.read(${queue}, 30, 10)`;
        assert.equal(after.length, 0, 'both messages are now inside their visibility timeout');
      } finally {
        await first.end();
        await second.end();
      }
    });
  },
);

Deno.test(
  'pgmq - eight concurrent readers: every message is delivered exactly once',
  opts,
  async () => {
    await withQueue(async (queue, admin) => {
      const total = 200;
      await admin`select pgmq.send_batch(${queue},
      (select array_agg(jsonb_build_object('n', i)) from generate_series(1, ${total}) as i))`;
      const readers = Array.from({ length: 8 }, () => connect());
      try {
        const seen = await Promise.all(readers.map(async (reader) => {
          const ids: number[] = [];
          for (;;) {
            const rows = await reader.begin(async (tx) => {
              const batch = await tx`select msg_id::int as id from pgmq.read(${queue}, 30, 3)`;
              await tx`select pg_sleep(0.002)`; // hold the row locks a moment, as a worker would
              return batch;
            });
            if (rows.length === 0) return ids;
            ids.push(...rows.map((row) => row.id as number));
          }
        }));
        const all = seen.flat();
        assert.equal(all.length, total, 'no message was read twice');
        assert.equal(new Set(all).size, total, 'every message was read');
        assert.ok(seen.filter((ids) => ids.length > 0).length > 1, 'the work was shared');
      } finally {
        await Promise.all(readers.map((reader) => reader.end()));
      }
    });
  },
);
