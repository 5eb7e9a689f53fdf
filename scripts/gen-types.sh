#!/usr/bin/env bash
# Usage: scripts/gen-types.sh [--check]   (DB_URL or SUPABASE_DB_URL set)
# Generates supabase/types/database.ts from the migrated database with the Supabase CLI.
# --check: fail if the committed file differs from what the migrations produce (drift).
set -euo pipefail
cd "$(dirname "$0")/.."
url=${DB_URL:-${SUPABASE_DB_URL:?set DB_URL or SUPABASE_DB_URL}}
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
