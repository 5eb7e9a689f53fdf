#!/usr/bin/env bash
# Usage: npm test            (scripts/test.sh [--keep-stack])
#
# Installs what is missing, brings up an isolated test stack (profile "test": its own ports and
# data dir, so it runs beside `npm start`), then runs every check and test runner:
#   hygiene (deno lint / fmt --check / check, supabase db lint, generated-types drift, RLS audit,
#   no function over 120 lines, no domain importing another's internals, every external command
#   provided by a package ensure-deps.sh installs),
#   pgTAP via pg_prove, deno test, vitest, and the golden path (scripts/golden-path.ts).
# Ends with exactly one line "N passed, N failed" summed over all of them; exits non-zero on any
# failure. Each hygiene check counts as one test.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
KEEP=0
[ "${1:-}" = "--keep-stack" ] && KEEP=1

export TALLYQ_PROFILE=test
OUT=$ROOT/.tallyq/test-results
rm -rf "$OUT"
mkdir -p "$OUT"
PASSED=0
FAILED=0
SKIPPED=0
DENO=$ROOT/node_modules/.bin/deno

note() { echo "== $*" >&2; }
count() { # passed failed label
  PASSED=$((PASSED + $1))
  FAILED=$((FAILED + $2))
  echo "$3: $1 passed, $2 failed" >>"$OUT/summary.txt"
}
check() { # label, command... — one pass/fail
  local label=$1
  shift
  note "$label"
  if "$@" >"$OUT/$label.log" 2>&1; then count 1 0 "$label"; else
    tail -40 "$OUT/$label.log" >&2
    count 0 1 "$label"
  fi
}

finish() {
  if [ "$KEEP" = 0 ]; then bash scripts/stack.sh stop --profile test >/dev/null 2>&1 || true; fi
  echo >&2
  cat "$OUT/summary.txt" >&2 2>/dev/null || true
  if [ "$SKIPPED" -gt 0 ]; then echo "$PASSED passed, $FAILED failed, $SKIPPED skipped"; else
    echo "$PASSED passed, $FAILED failed"
  fi
  [ "$FAILED" -eq 0 ]
}
trap 'exit 130' INT TERM

# The first hour: installing must not touch the committed lockfile (npm ci, no platform churn).
lock_before=$(sha256sum package-lock.json | cut -d' ' -f1)
bash scripts/ensure-deps.sh || { echo "0 passed, 1 failed"; exit 1; }

# A fresh database for every run: same migrations, no state from a previous run.
bash scripts/stack.sh stop --profile test >/dev/null 2>&1 || true
rm -rf .tallyq/test/pgdata .tallyq/test/storage .tallyq/test/textract-cache .tallyq/test/s3 \
  .tallyq/test/textract-jobs
note "starting the test stack"
if ! bash scripts/stack.sh start --profile test >"$OUT/stack.log" 2>&1; then
  tail -60 "$OUT/stack.log" >&2
  count 0 1 "stack-start"
  finish
  exit 1
fi
count 1 0 "stack-start"
set -a
# shellcheck disable=SC1091
. .tallyq/test/stack.env
set +a
export DB_URL=$SUPABASE_DB_URL

# ---- hygiene ---------------------------------------------------------------------
check deno-lint "$DENO" lint
check deno-fmt "$DENO" fmt --check
check deno-check bash -c "git ls-files --cached --others --exclude-standard '*.ts' ':!app/' | xargs '$DENO' check"
# The web app's browser code is checked as one program of its own: its DOM types (lib dom) and
# Deno's differ on shared names such as CryptoKey.
check app-check bash -c "git ls-files --cached --others --exclude-standard 'app/*.ts' | xargs '$DENO' check"
check supabase-db-lint bash scripts/db-lint.sh
check types-drift bash scripts/gen-types.sh --check
check rls-audit bash scripts/rls-audit.sh
check lockfile-in-sync npm ci --dry-run --ignore-scripts --no-audit --no-fund
check install-leaves-lockfile bash -c "[ \"\$(sha256sum package-lock.json | cut -d' ' -f1)\" = '$lock_before' ]"
check function-length "$DENO" test --allow-read --quiet scripts/hygiene/function-length.ts
check domain-imports "$DENO" test --allow-read --quiet scripts/hygiene/domain-imports.ts
check external-commands bash scripts/hygiene/external-commands.sh

# ---- pgTAP -------------------------------------------------------------------------
note "pgTAP (pg_prove)"
mapfile -t pgtap_files < <(find supabase/tests -name '*.test.sql' | sort)
if [ ${#pgtap_files[@]} -gt 0 ]; then
  PGPASSWORD=postgres pg_prove --verbose -h 127.0.0.1 -p "$(echo "$DB_URL" | sed -E 's/.*:([0-9]+)\/.*/\1/')" \
    -U postgres -d postgres "${pgtap_files[@]}" >"$OUT/pgtap.log" 2>&1
  pgtap_rc=$?
  ok=$(grep -cE '^\s*ok [0-9]+' "$OUT/pgtap.log")
  notok=$(grep -cE '^\s*not ok [0-9]+' "$OUT/pgtap.log")
  # A file that dies (syntax error, wrong plan) fails even if no "not ok" line was printed.
  if [ "$pgtap_rc" -ne 0 ] && [ "$notok" -eq 0 ]; then notok=1; fi
  [ "$pgtap_rc" -ne 0 ] && grep -E 'not ok|Failed|Dubious|ERROR|psql:' "$OUT/pgtap.log" | head -40 >&2
  count "$ok" "$notok" "pgtap"
fi

# ---- deno test -----------------------------------------------------------------------
note "deno test"
"$DENO" test --allow-all --quiet --reporter=junit --junit-path="$OUT/deno-junit.xml" \
  >"$OUT/deno-test.log" 2>&1
deno_rc=$?
read -r dtests dfail < <(node -e '
  const x = require("fs").readFileSync(process.argv[1], "utf8");
  const m = x.match(/<testsuites[^>]*tests="(\d+)"[^>]*failures="(\d+)"[^>]*errors="(\d+)"/) ||
            x.match(/<testsuites[^>]*tests="(\d+)"[^>]*failures="(\d+)"/);
  if (!m) { console.log("0 1"); process.exit(0); }
  console.log(m[1], Number(m[2]) + Number(m[3] || 0));
' "$OUT/deno-junit.xml" 2>/dev/null || echo "0 1")
if [ "$deno_rc" -ne 0 ] && [ "$dfail" -eq 0 ]; then dfail=1; fi
[ "$deno_rc" -ne 0 ] && tail -60 "$OUT/deno-test.log" >&2
count $((dtests - dfail < 0 ? 0 : dtests - dfail)) "$dfail" "deno-test"

# ---- vitest (end-to-end over HTTP against the running test stack) -------------------
note "vitest"
if ls tests/*/*.test.ts >/dev/null 2>&1; then
  node_modules/.bin/vitest run --reporter=default --reporter=json \
    --outputFile.json="$OUT/vitest.json" >"$OUT/vitest.log" 2>&1
  vitest_rc=$?
  read -r vpass vfail vskip < <(node -e '
    try {
      const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
      console.log(r.numPassedTests, r.numFailedTests + (r.numRuntimeErrorTestSuites || 0),
        r.numPendingTests + r.numTodoTests);
    } catch { console.log("0 1 0"); }
  ' "$OUT/vitest.json")
  if [ "$vitest_rc" -ne 0 ] && [ "$vfail" -eq 0 ]; then vfail=1; fi
  [ "$vitest_rc" -ne 0 ] && tail -80 "$OUT/vitest.log" >&2
  SKIPPED=$((SKIPPED + vskip))
  count "$vpass" "$vfail" "vitest"
fi

# ---- golden path (the main user journey over HTTP, as against a deployment) -------------
check golden-path "$DENO" run -A --quiet scripts/golden-path.ts --require-wallet "$SUPABASE_URL"

# ---- after everything (it wipes the test database): db:reset keeps pg_cron scheduling --------
check reset-then-cron bash scripts/check-reset-cron.sh --profile test

finish
