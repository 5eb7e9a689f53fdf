#!/usr/bin/env bash
# Usage: scripts/rls-audit.sh [--allow-anon 'public.f(a text),…']
#
# Runs scripts/sql/rls-audit.sql (Supabase splinter's security lints + ours) against DB_URL,
# SUPABASE_DB_URL or the running local stack (see scripts/lib/db-url.sh)
# and prints the findings as a table. Exposed schemas come from supabase/config.toml [api] schemas
# (override with RLS_AUDIT_EXPOSED_SCHEMAS=public,other); hosted projects also contribute the
# authenticator role's pgrst.db_schemas. Read-only (one rolled-back transaction).
# Exit: 0 no findings, 1 findings, 2 the audit could not run.
set -euo pipefail
cd "$(dirname "$0")/.."

allow_anon=${RLS_AUDIT_ANON_ALLOWLIST:-}
while [ $# -gt 0 ]; do
  case "$1" in
    --allow-anon) allow_anon=$2; shift 2 ;;
    -h | --help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "rls-audit: unknown argument: $1" >&2; exit 2 ;;
  esac
done

# shellcheck source=lib/db-url.sh
. scripts/lib/db-url.sh
DB_URL=$(resolve_db_url) || exit 2

exposed=${RLS_AUDIT_EXPOSED_SCHEMAS:-}
if [ -z "$exposed" ] && [ -f supabase/config.toml ]; then
  # schemas = ["public", "graphql_public"] inside the [api] table
  exposed=$(awk '
    /^\[/ { in_api = ($0 ~ /^\[api\][[:space:]]*$/) }
    in_api && /^[[:space:]]*schemas[[:space:]]*=/ {
      sub(/^[^[]*\[/, ""); sub(/\].*$/, ""); gsub(/[" ]/, ""); print; exit
    }' supabase/config.toml)
fi
exposed=${exposed:-public,graphql_public}

out=$(mktemp)
trap 'rm -f "$out"' EXIT
if ! psql "$DB_URL" -X -q -v ON_ERROR_STOP=1 \
  -v exposed_schemas="$exposed" -v anon_allowlist="$allow_anon" \
  -f scripts/sql/rls-audit.sql >"$out" 2>&1; then
  cat "$out" >&2
  echo "rls-audit: the audit query failed" >&2
  exit 2
fi

count=$(sed -n 's/^rls-audit: \([0-9][0-9]*\) finding(s)$/\1/p' "$out" | tail -1)
if [ -z "$count" ]; then
  cat "$out" >&2
  echo "rls-audit: no summary line in the output" >&2
  exit 2
fi

echo "rls-audit: exposed schemas: $exposed"
if [ "$count" -eq 0 ]; then
  echo "rls-audit: no findings"
  exit 0
fi
grep -v '^rls-audit: ' "$out"
echo "rls-audit: $count finding(s)"
exit 1
