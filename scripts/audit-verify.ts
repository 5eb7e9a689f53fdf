// Usage: npm run audit:verify [-- --from 1] [--anchor <block id>:<block hash hex>] [--db-url URL]
//
// Verifies the audit hash chain outside the database (supabase/functions/_shared/audit), with the
// same checks as SQL private.verify_audit_log(). Prints one JSON line: the problems found and the
// chain head (last block id and hash). Store the head somewhere the database's administrators
// cannot write (a ticket, another account's bucket); a later run with --anchor <id>:<hash> proves
// the chain up to that block was not rewritten wholesale, which the chain alone cannot show.
// Exits 1 when anything is wrong. DB URL: --db-url, else SUPABASE_DB_URL (service role or owner).
import { parseArgs } from 'node:util';
import postgres from 'npm:postgres@^3.4.5';
import { hex } from '../supabase/functions/_shared/audit/canonical.ts';
import { loadAuditChain } from '../supabase/functions/_shared/audit/store.ts';
import { verifyAuditChain } from '../supabase/functions/_shared/audit/verify.ts';

const { values } = parseArgs({
  options: {
    from: { type: 'string', default: '1' },
    anchor: { type: 'string' },
    'db-url': { type: 'string' },
  },
});
const dbUrl = values['db-url'] ?? Deno.env.get('SUPABASE_DB_URL');
if (!dbUrl) {
  console.error('audit:verify needs --db-url or SUPABASE_DB_URL');
  Deno.exit(2);
}
const anchor = values.anchor?.match(/^(\d+):([0-9a-f]{64})$/);
if (values.anchor && !anchor) {
  console.error('--anchor must be <block id>:<64 hex digits>');
  Deno.exit(2);
}

const sql = postgres(dbUrl, { max: 1, prepare: false, onnotice: () => {} });
try {
  const from = BigInt(values.from);
  const chain = await loadAuditChain(sql, from);
  const problems = verifyAuditChain(chain, from);
  const last = chain.blocks.at(-1);
  let anchored: boolean | null = null;
  if (anchor) {
    // the anchor commits to every block before it: they are verified from --from on (default 1)
    const block = chain.blocks.find((b) => b.id === anchor[1]);
    anchored = block !== undefined && BigInt(block.id) >= from &&
      hex(block.blockHash) === anchor[2];
  }
  console.log(JSON.stringify({
    from_block: String(from),
    blocks_checked: chain.blocks.filter((b) => BigInt(b.id) >= from).length,
    rows_checked: chain.seals.length,
    head: last ? { block_id: last.id, block_hash: hex(last.blockHash) } : null,
    anchor_matches: anchored,
    problems,
  }));
  if (problems.length > 0 || anchored === false) Deno.exitCode = 1;
} finally {
  await sql.end();
}
