#!/usr/bin/env bash
# Usage: scripts/gen-types.sh [--check]
# Database: DB_URL, SUPABASE_DB_URL, or the running local stack (see scripts/lib/db-url.sh).
# Generates supabase/types/database.ts from the migrated database with the Supabase CLI.
# --check: fail if the committed file differs from what the migrations produce (drift).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib/db-url.sh
. scripts/lib/db-url.sh
url=$(resolve_db_url)
target=supabase/types/database.ts
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
node_modules/.bin/supabase gen types typescript --remote="$url" --schema public >"$tmp"
node_modules/.bin/deno fmt --quiet --ext ts - <"$tmp" >"$tmp.fmt" && mv "$tmp.fmt" "$tmp"
if [ "${1:-}" = "--check" ]; then
  if ! diff -u "$target" "$tmp"; then
    echo "Generated types drifted from the migrations: run scripts/gen-types.sh and commit $target" >&2
    exit 1
  fi
else
  mkdir -p "$(dirname "$target")"
  cp "$tmp" "$target"
  echo "wrote $target"
fi
