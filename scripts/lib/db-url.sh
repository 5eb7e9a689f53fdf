# Sourced by scripts that talk to a database. Prints the URL to use: DB_URL, else SUPABASE_DB_URL,
# else the running local stack's (.tallyq/<TALLYQ_PROFILE or dev>/stack.env), so the commands in
# the README work as shown after `npm start`. Fails naming all three when none is there.
resolve_db_url() {
  local stack_env=".tallyq/${TALLYQ_PROFILE:-dev}/stack.env"
  if [ -n "${DB_URL:-}" ]; then echo "$DB_URL"; return; fi
  if [ -n "${SUPABASE_DB_URL:-}" ]; then echo "$SUPABASE_DB_URL"; return; fi
  if [ -f "$stack_env" ]; then
    local url
    url=$(sed -n 's/^SUPABASE_DB_URL=//p' "$stack_env" | tail -1)
    if [ -n "$url" ]; then echo "$url"; return; fi
  fi
  echo "set DB_URL (or SUPABASE_DB_URL), or start the local stack (npm start)" >&2
  return 1
}
