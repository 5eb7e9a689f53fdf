#!/usr/bin/env bash
# Usage: supabase/local/extensions/install.sh [PG_CONFIG]
# Copies the local stand-in extensions (pgmq, pg_net, supabase_vault) into Postgres's extension
# directory so that `create extension pgmq` etc. work as on hosted Supabase. Idempotent; skips
# any extension that is really installed (a control file not written by this script).
# PG_CONFIG defaults to $PG_CONFIG, then /usr/lib/postgresql/15/bin/pg_config, then pg_config.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
pg_config="${1:-${PG_CONFIG:-}}"
if [[ -z "$pg_config" ]]; then
  if [[ -x /usr/lib/postgresql/15/bin/pg_config ]]; then
    pg_config=/usr/lib/postgresql/15/bin/pg_config
  else
    pg_config="$(command -v pg_config)"
  fi
fi
extdir="$("$pg_config" --sharedir)/extension"
marker='tallyq local stand-in'

for src in "$here"/*/; do
  name="$(basename "$src")"
  control="$extdir/$name.control"
  if [[ -f "$control" ]] && ! grep -q "$marker" "$control"; then
    echo "install.sh: $name is really installed; leaving it alone"
    continue
  fi
  for f in "$src"*.control "$src"*.sql; do
    dest="$extdir/$(basename "$f")"
    if ! cmp -s "$f" "$dest"; then
      install -m 0644 "$f" "$dest"
      echo "install.sh: installed $(basename "$f")"
    fi
  done
done
