#!/usr/bin/env bash
# Usage: scripts/verify.sh [<base-url>]      (default: $SUPABASE_URL, else the local dev stack)
#
# Checks a deployment is ready: liveness, readiness (every critical dependency up), the health
# report, and - with SUPABASE_SERVICE_ROLE_KEY set - the operator views (health details, metrics).
# Retries readiness for up to VERIFY_TIMEOUT_SECONDS (60) while a fresh deploy warms up.
# Exit: 0 ready, 1 not ready, 2 bad usage.
set -euo pipefail

base=${1:-${SUPABASE_URL:-http://127.0.0.1:54321}}
base=${base%/}
[[ "$base" =~ ^https?:// ]] || { echo "verify: base URL must start with http(s)://" >&2; exit 2; }
fn="$base/functions/v1"
deadline=$((SECONDS + ${VERIFY_TIMEOUT_SECONDS:-60}))
failures=0

# label, expected status, url, curl args...
check() {
  local label=$1 want=$2 url=$3 code body
  shift 3
  body=$(mktemp)
  code=$(curl -sS -o "$body" -w '%{http_code}' --max-time 10 "$@" "$url" 2>/dev/null) || code=000
  if [ "$code" = "$want" ]; then
    echo "ok   $label ($code)"
  else
    echo "FAIL $label: HTTP $code, want $want: $(head -c 300 "$body")"
    failures=$((failures + 1))
  fi
  rm -f "$body"
}

until code=$(curl -sS -o /dev/null -w '%{http_code}' --max-time 10 "$fn/health/ready" 2>/dev/null) &&
  [ "$code" = 200 ]; do
  if [ $SECONDS -ge $deadline ]; then break; fi
  sleep 2
done

check 'liveness /health/live' 200 "$fn/health/live"
check 'readiness /health/ready' 200 "$fn/health/ready"
check 'health /health' 200 "$fn/health"
if [ -n "${SUPABASE_SERVICE_ROLE_KEY:-}" ]; then
  auth=(-H "Authorization: Bearer $SUPABASE_SERVICE_ROLE_KEY")
  check 'metrics /ops/metrics (service role)' 200 "$fn/ops/metrics" "${auth[@]}"
  check 'metrics refuse anonymous callers' 401 "$fn/ops/metrics"
fi
if [ "$failures" -gt 0 ]; then
  echo "verify: $base is NOT ready ($failures failed)"
  exit 1
fi
echo "verify: $base is ready"
