#!/usr/bin/env bash
# Usage: scripts/db-lint.sh   (DB_URL or SUPABASE_DB_URL set, e.g. from .tallyq/dev/stack.env)
# Runs the Supabase CLI's plpgsql_check-based linter over our schemas; fails on any warning.
set -euo pipefail
cd "$(dirname "$0")/.."
url=${DB_URL:-${SUPABASE_DB_URL:?set DB_URL or SUPABASE_DB_URL}}
exec node_modules/.bin/supabase db lint --remote="$url" --schema public,private --level warning --fail-on warning
