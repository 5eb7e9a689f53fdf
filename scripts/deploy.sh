#!/usr/bin/env bash
# Usage: scripts/deploy.sh --env staging|production [--dry-run] [--skip <step>]... [--env-file <path>]
#
# Deploys tallyq to the hosted Supabase project of one environment, step by step, printing each:
#   db-push    supabase db push (migrations, the same files the local stack runs)
#   secrets    supabase secrets set from the environment's file (function secrets)
#   functions  supabase functions deploy --use-api (every folder in supabase/functions but _shared)
#   vault      Vault entries the database needs (functions URL, worker secret, alert webhook URL)
#   cron       sub-minute schedules hosted pg_cron 1.6 allows (the migrations schedule per minute)
#   verify     scripts/verify.sh against the project's URL
# --dry-run prints the exact commands (secret values masked) and changes nothing.
#
# The environment's file (default .env.<env>, gitignored) holds SUPABASE_PROJECT_REF,
# SUPABASE_DB_URL (the project's connection string, for db push and Vault) and every function
# secret of .env.example. SUPABASE_ACCESS_TOKEN comes from the shell (supabase login / CI secret).
# Exit: 0 deployed (or dry run), 1 a step failed, 2 bad usage or configuration.
set -euo pipefail
cd "$(dirname "$0")/.."

STEPS=(db-push secrets functions vault cron verify)
env_name=''
dry_run=0
env_file=''
skip=()
usage() { sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case "$1" in
    --env) env_name=${2:-}; shift 2 ;;
    --dry-run) dry_run=1; shift ;;
    --skip)
      [[ " ${STEPS[*]} " == *" ${2:-} "* ]] || { echo "deploy: unknown step to skip: ${2:-} (${STEPS[*]})" >&2; exit 2; }
      skip+=("$2"); shift 2 ;;
    --env-file) env_file=${2:-}; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "deploy: unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done
case "$env_name" in
  staging | production) ;;
  *) echo "deploy: --env staging|production is required" >&2; exit 2 ;;
esac
env_file=${env_file:-.env.$env_name}
[ -f "$env_file" ] || { echo "deploy: $env_file not found (copy .env.example, add SUPABASE_PROJECT_REF and SUPABASE_DB_URL)" >&2; exit 2; }

set -a
# shellcheck disable=SC1090
. "$env_file"
set +a
missing=()
for name in SUPABASE_PROJECT_REF SUPABASE_DB_URL WORKER_SECRET; do
  [ -n "${!name:-}" ] || missing+=("$name")
done
if [ "$dry_run" = 0 ] && [ -z "${SUPABASE_ACCESS_TOKEN:-}" ]; then missing+=(SUPABASE_ACCESS_TOKEN); fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "deploy: missing in $env_file or the shell: ${missing[*]}" >&2
  exit 2
fi
[[ "$SUPABASE_PROJECT_REF" =~ ^[a-z0-9]{20}$ ]] || { echo "deploy: SUPABASE_PROJECT_REF must be the 20-character project ref" >&2; exit 2; }

PROJECT_URL="https://$SUPABASE_PROJECT_REF.supabase.co"
SUPABASE=node_modules/.bin/supabase
mask_url() { sed -E 's#(://[^:/@]+:)[^@]*@#\1***@#' <<<"$1"; }

# Secrets for the functions: everything in the file but what the platform provides or the CLI
# refuses (the SUPABASE_ prefix is reserved), and the deploy-only settings.
secrets_file=$(mktemp)
trap 'rm -f "$secrets_file"' EXIT
grep -E '^[A-Z][A-Z0-9_]*=' "$env_file" | grep -vE '^(SUPABASE_|TALLYQ_ALERT_WEBHOOK_URL=)' >"$secrets_file" || true

VAULT_SQL=$(cat <<'SQL'
select vault.update_secret(s.id, v.value) from vault.secrets as s
join (values ('tallyq_functions_url', :'functions_url'), ('tallyq_worker_secret', :'worker_secret'),
             ('tallyq_alert_webhook_url', nullif(:'alert_url', ''))) as v (name, value)
  on v.name = s.name where v.value is not null;
select vault.create_secret(v.value, v.name) from
  (values ('tallyq_functions_url', :'functions_url'), ('tallyq_worker_secret', :'worker_secret'),
          ('tallyq_alert_webhook_url', nullif(:'alert_url', ''))) as v (name, value)
where v.value is not null and not exists (select 1 from vault.secrets as s where s.name = v.name);
SQL
)
CRON_SQL="select cron.schedule('tallyq_receipt_sweep', '10 seconds', \$\$select private.kick_function('receipt-worker', 'cron') where exists (select 1 from pgmq.q_receipt_ocr)\$\$);"

# step name, printable command, command...
run() {
  local step=$1 shown=$2
  shift 2
  if [[ " ${skip[*]:-} " == *" $step "* ]]; then echo "== $step: skipped"; return 0; fi
  echo "== $step"
  echo "\$ $shown"
  [ "$dry_run" = 1 ] && return 0
  "$@" || { echo "deploy: step $step failed" >&2; exit 1; }
}

echo "deploy: $env_name ($SUPABASE_PROJECT_REF)$([ "$dry_run" = 1 ] && echo ', dry run')"
db=$(mask_url "$SUPABASE_DB_URL")
run db-push "$SUPABASE db push --remote=$db --yes" \
  "$SUPABASE" db push --remote="$SUPABASE_DB_URL" --yes
run secrets "$SUPABASE secrets set --env-file <$(grep -c . "$secrets_file") variables from $env_file> --remote=$SUPABASE_PROJECT_REF --yes" \
  "$SUPABASE" secrets set --env-file "$secrets_file" --remote="$SUPABASE_PROJECT_REF" --yes
run functions "$SUPABASE functions deploy --use-api --remote=$SUPABASE_PROJECT_REF --yes" \
  "$SUPABASE" functions deploy --use-api --remote="$SUPABASE_PROJECT_REF" --yes
run vault "psql $db -v functions_url=$PROJECT_URL/functions/v1 -v worker_secret=*** -v alert_url=${TALLYQ_ALERT_WEBHOOK_URL:+***} <<SQL (upsert tallyq_functions_url, tallyq_worker_secret, tallyq_alert_webhook_url)" \
  psql "$SUPABASE_DB_URL" -X -q -v ON_ERROR_STOP=1 -v functions_url="$PROJECT_URL/functions/v1" \
  -v worker_secret="$WORKER_SECRET" -v alert_url="${TALLYQ_ALERT_WEBHOOK_URL:-}" -f <(printf '%s\n' "$VAULT_SQL")
run cron "psql $db -c \"$CRON_SQL\"" \
  psql "$SUPABASE_DB_URL" -X -q -v ON_ERROR_STOP=1 -c "$CRON_SQL"
run verify "bash scripts/verify.sh $PROJECT_URL" \
  bash scripts/verify.sh "$PROJECT_URL"
echo "deploy: $env_name done$([ "$dry_run" = 1 ] && echo ' (dry run: nothing changed)')"
