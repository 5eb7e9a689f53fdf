#!/usr/bin/env bash
# Usage: scripts/check-reset-cron.sh [--profile test]
# `npm run db:reset` must leave pg_cron scheduling: resets the profile's stack, then checks that
# the scheduler is back and that a cron-driven job (the tallyq_receipt_sweep, every minute) runs
# after the reset. Waits at most ~75 s (pg_cron 1.4 has minute granularity). Exit 0 = it ran.
set -euo pipefail
cd "$(dirname "$0")/.."
PROFILE=test
[ "${1:-}" = "--profile" ] && PROFILE=$2

bash scripts/stack.sh reset --profile "$PROFILE" >/dev/null
url=$(sed -n 's/^SUPABASE_DB_URL=//p' ".tallyq/$PROFILE/stack.env")
q() { psql "$url" -X -Atq -v ON_ERROR_STOP=1 -c "$1"; }

since=$(q "select now()")
[ "$(q "select count(*) from pg_stat_activity where backend_type = 'pg_cron launcher'")" = 1 ] || {
  echo "pg_cron's scheduler is not running after the reset" >&2
  exit 1
}
for _ in $(seq 1 75); do
  ran=$(q "select count(*) from cron.job_run_details as d join cron.job as j using (jobid)
           where j.jobname = 'tallyq_receipt_sweep' and d.start_time >= '$since'::timestamptz")
  if [ "$ran" -gt 0 ]; then
    echo "reset-then-cron: tallyq_receipt_sweep ran after the reset"
    exit 0
  fi
  sleep 1
done
echo "reset-then-cron: no tallyq_receipt_sweep run within 75 s of the reset" >&2
exit 1
