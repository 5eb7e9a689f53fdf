#!/usr/bin/env bash
# Usage: scripts/stack.sh start|stop|status|reset|env|ports [--profile dev|test|bench]
#   env   prints the stack's variables as shell `export` lines: eval "$(npm run -s env)"
#   ports prints the ports the stack uses (TALLYQ_PORT_BASE moves them all)
#
# The local tallyq stack without Docker, modelled on `supabase start`:
#   Postgres 15 (pg_cron, pgTAP, plpgsql_check) + platform stand-ins (supabase/local),
#   migrations applied by the real Supabase CLI, Redis, an S3 server (s3rver, the Textract
#   staging bucket), the local Textract endpoint, the pg_net delivery worker and one Deno server
#   for every edge function.
# `start` returns once everything is healthy and prints URLs and keys; a second `start` reuses
# what already runs. Profiles keep dev (5432x) and test (5532x) stacks apart, so tests can run
# while `npm start` is up. State lives in .tallyq/<profile>/ (gitignored). TALLYQ_PORT_BASE moves a
# checkout's stacks to a port block of its own (see below); `ports` prints what a profile uses.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

cmd=${1:-status}
shift || true
PROFILE=${TALLYQ_PROFILE:-dev}
while [ $# -gt 0 ]; do
  case "$1" in
    --profile) PROFILE=$2; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

case "$PROFILE" in
  dev) BASE=54300 PROFILE_OFFSET=100 ;;
  test) BASE=55300 PROFILE_OFFSET=0 ;;
  bench) BASE=56300 PROFILE_OFFSET=200 ;; # npm run bench:pipeline (scripts/bench/pipeline.ts)
  *) echo "unknown profile: $PROFILE (dev|test|bench)" >&2; exit 2 ;;
esac
# Several stacks side by side (two checkouts, parallel workers): TALLYQ_PORT_BASE gives this
# checkout the block base..base+299: test at base (API = base+21, DB = base+22, Redis = base+79,
# Textract = base+80, Upstash proxy = base+81, S3 = base+82, web app = base+83), dev at base+100, bench at base+200,
# so one checkout's profiles never collide either. Checkouts need bases at least 300 apart.
if [ -n "${TALLYQ_PORT_BASE:-}" ]; then
  case "$TALLYQ_PORT_BASE" in
    '' | *[!0-9]*) echo "TALLYQ_PORT_BASE must be a number, got: $TALLYQ_PORT_BASE" >&2; exit 2 ;;
  esac
  if [ "$TALLYQ_PORT_BASE" -lt 1024 ] || [ "$TALLYQ_PORT_BASE" -gt 65200 ]; then
    echo "TALLYQ_PORT_BASE must be between 1024 and 65200, got: $TALLYQ_PORT_BASE" >&2; exit 2
  fi
  BASE=$((TALLYQ_PORT_BASE + PROFILE_OFFSET))
fi
API_PORT=$((BASE + 21))
DB_PORT=$((BASE + 22))
REDIS_PORT=$((BASE + 79))
TEXTRACT_PORT=$((BASE + 80))
UPSTASH_PORT=$((BASE + 81))
S3_PORT=$((BASE + 82))
APP_PORT=$((BASE + 83))

STATE=$ROOT/.tallyq/$PROFILE
PGDATA=$STATE/pgdata
RUN=$STATE/run
LOGS=$STATE/logs
PGBIN=/usr/lib/postgresql/15/bin
DENO=$ROOT/node_modules/.bin/deno
SUPABASE=$ROOT/node_modules/.bin/supabase
DB_URL="postgresql://postgres:postgres@127.0.0.1:$DB_PORT/postgres?sslmode=disable"

log() { echo "[tallyq:$PROFILE] $*" >&2; }

pg_is_up() { "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$DB_PORT" 2>/dev/null; }
psql_db() { PGPASSWORD=postgres psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$DB_PORT" -U postgres -d postgres "$@"; }
# Alive = exists and is not a zombie (a process killed a moment ago can linger as one).
pid_alive() {
  local pid
  [ -f "$RUN/$1.pid" ] || return 1
  pid=$(cat "$RUN/$1.pid")
  kill -0 "$pid" 2>/dev/null && [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != Z ]
}
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Secrets are generated once per profile and kept in its state dir, never in code.
ensure_secrets() {
  mkdir -p "$STATE" "$RUN" "$LOGS"
  if [ ! -f "$STATE/secrets.env" ]; then
    umask 077
    {
      echo "JWT_SECRET=$(openssl rand -hex 32)"
      echo "WORKER_SECRET=$(openssl rand -hex 32)"
      echo "LOCAL_AWS_ACCESS_KEY_ID=AKIALOCAL$(openssl rand -hex 6 | tr a-f A-F)"
      echo "LOCAL_AWS_SECRET_ACCESS_KEY=$(openssl rand -base64 30 | tr -d '/+=' | head -c 40)"
      echo "UPSTASH_REDIS_REST_TOKEN=$(openssl rand -hex 24)"
      echo "TEXTRACT_ADMIN_TOKEN=$(openssl rand -hex 24)"
    } >"$STATE/secrets.env"
  fi
  # Webhook secrets, also appended to profiles created before they existed. Two Stripe endpoint
  # secrets, as during a rotation, so both verification paths run locally.
  grep -q '^STRIPE_WEBHOOK_SECRETS=' "$STATE/secrets.env" ||
    echo "STRIPE_WEBHOOK_SECRETS=whsec_$(openssl rand -hex 24),whsec_$(openssl rand -hex 24)" >>"$STATE/secrets.env"
  grep -q '^MOMO_CALLBACK_SECRETS=' "$STATE/secrets.env" ||
    echo "MOMO_CALLBACK_SECRETS=momo_$(openssl rand -hex 24)" >>"$STATE/secrets.env"
  grep -q '^REVOLUT_WEBHOOK_SECRETS=' "$STATE/secrets.env" ||
    echo "REVOLUT_WEBHOOK_SECRETS=wsk_$(openssl rand -hex 24)" >>"$STATE/secrets.env"
  grep -q '^WHATSAPP_VERIFY_TOKEN=' "$STATE/secrets.env" ||
    echo "WHATSAPP_VERIFY_TOKEN=$(openssl rand -hex 16)" >>"$STATE/secrets.env"
  grep -q '^WHATSAPP_APP_SECRET=' "$STATE/secrets.env" ||
    echo "WHATSAPP_APP_SECRET=$(openssl rand -hex 32)" >>"$STATE/secrets.env"
  # The demo users' passwords (sign in through the auth stand-in), random per stack.
  grep -q '^DEMO_USER_PASSWORD=' "$STATE/secrets.env" ||
    echo "DEMO_USER_PASSWORD=demo-$(openssl rand -hex 6)" >>"$STATE/secrets.env"
  grep -q '^DEMO2_USER_PASSWORD=' "$STATE/secrets.env" ||
    echo "DEMO2_USER_PASSWORD=demo2-$(openssl rand -hex 6)" >>"$STATE/secrets.env"
  set -a
  # shellcheck disable=SC1091
  . "$STATE/secrets.env"
  set +a
}

mint_keys() {
  export SUPABASE_URL="http://127.0.0.1:$API_PORT"
  # The auth stand-in's ES256 key (private JWK, created on first start; only its public half is
  # published, at /auth/v1/.well-known/jwks.json). User tokens are signed with it.
  export AUTH_SIGNING_KEY_PATH=$STATE/auth/signing-key.json
  "$DENO" run -q --allow-read --allow-write supabase/local/auth/signing-key.ts \
    "$AUTH_SIGNING_KEY_PATH" >/dev/null
  ANON_KEY=$("$DENO" run -q --allow-env --allow-read scripts/mint-jwt.ts anon)
  SERVICE_ROLE_KEY=$("$DENO" run -q --allow-env --allow-read scripts/mint-jwt.ts service_role)
  DEMO_USER_ID=00000000-0000-4000-8000-00000000d3e0
  DEMO2_USER_ID=00000000-0000-4000-8000-00000000d3e1
  DEMO_USER_JWT=$("$DENO" run -q --allow-env --allow-read scripts/mint-jwt.ts authenticated \
    "$DEMO_USER_ID" demo@tallyq.local)
}

write_env() {
  cat >"$STATE/stack.env" <<EOF
TALLYQ_PROFILE=$PROFILE
TALLYQ_PORT_BASE=${TALLYQ_PORT_BASE:-}
SUPABASE_URL=http://127.0.0.1:$API_PORT
FUNCTIONS_URL=http://127.0.0.1:$API_PORT/functions/v1
SUPABASE_DB_URL=$DB_URL
SUPABASE_ANON_KEY=$ANON_KEY
SUPABASE_SERVICE_ROLE_KEY=$SERVICE_ROLE_KEY
JWT_SECRET=$JWT_SECRET
TALLYQ_JWT_SECRET=$JWT_SECRET
DB_URL=$DB_URL
DEMO_USER_ID=$DEMO_USER_ID
DEMO_USER_JWT=$DEMO_USER_JWT
DEMO_USER_EMAIL=demo@tallyq.local
DEMO_USER_PASSWORD=$DEMO_USER_PASSWORD
DEMO2_USER_ID=$DEMO2_USER_ID
DEMO2_USER_EMAIL=demo2@tallyq.local
DEMO2_USER_PASSWORD=$DEMO2_USER_PASSWORD
AUTH_SIGNING_KEY_PATH=$AUTH_SIGNING_KEY_PATH
WORKER_SECRET=$WORKER_SECRET
TALLYQ_REDIS_URL=redis://127.0.0.1:$REDIS_PORT
UPSTASH_REDIS_REST_URL=http://127.0.0.1:$UPSTASH_PORT
UPSTASH_REDIS_REST_TOKEN=$UPSTASH_REDIS_REST_TOKEN
TEXTRACT_ENDPOINT=http://127.0.0.1:$TEXTRACT_PORT
TEXTRACT_PORT=$TEXTRACT_PORT
AWS_REGION=us-east-1
AWS_ACCESS_KEY_ID=$LOCAL_AWS_ACCESS_KEY_ID
AWS_SECRET_ACCESS_KEY=$LOCAL_AWS_SECRET_ACCESS_KEY
LOCAL_AWS_ACCESS_KEY_ID=$LOCAL_AWS_ACCESS_KEY_ID
LOCAL_AWS_SECRET_ACCESS_KEY=$LOCAL_AWS_SECRET_ACCESS_KEY
TEXTRACT_ADMIN_TOKEN=$TEXTRACT_ADMIN_TOKEN
LOCAL_S3_PORT=$S3_PORT
LOCAL_S3_DIR=$STATE/s3
LOCAL_S3_BUCKETS=tallyq-textract-staging
TEXTRACT_S3_ENDPOINT=http://127.0.0.1:$S3_PORT
TEXTRACT_S3_BUCKET=tallyq-textract-staging
TEXTRACT_S3_PREFIX=textract-staging/
STORAGE_DRIVER=local
LOCAL_STORAGE_DIR=$STATE/storage
TEXTRACT_CACHE_DIR=$STATE/textract-cache
TEXTRACT_JOBS_DIR=$STATE/textract-jobs
TEXTRACT_TPS='{"AnalyzeExpense":{"tps":500,"burst":500},"DetectDocumentText":{"tps":500,"burst":500},"GetExpenseAnalysis":{"tps":500,"burst":500}}'
STRIPE_WEBHOOK_SECRETS=$STRIPE_WEBHOOK_SECRETS
MOMO_CALLBACK_SECRETS=$MOMO_CALLBACK_SECRETS
REVOLUT_WEBHOOK_SECRETS=$REVOLUT_WEBHOOK_SECRETS
RATE_LIMIT_TRUSTED_PROXIES=loopback
RATE_LIMIT_CLIENT_IP_HEADER=cf-connecting-ip
WHATSAPP_VERIFY_TOKEN=$WHATSAPP_VERIFY_TOKEN
WHATSAPP_APP_SECRET=$WHATSAPP_APP_SECRET
APP_PORT=$APP_PORT
APP_URL=http://127.0.0.1:$APP_PORT
EOF
  # (TEXTRACT_TPS: the local endpoint has no AWS quota, so the governor runs with a budget that
  # does not bind. RATE_LIMIT_TRUSTED_PROXIES=loopback: local clients play the CDN in front, so
  # tests can give each request its own client IP with cf-connecting-ip; see http/client-ip.ts.) The test stack shortens timeouts so fault, crash and retry paths finish in seconds, and its
  # Textract endpoint records each real OCR reading once and replays it for identical bytes.
  if [ "$PROFILE" = test ]; then
    cat >>"$STATE/stack.env" <<EOF
TEXTRACT_MODE=replay
TEXTRACT_TIMEOUT_MS=20000
WORKER_CONCURRENCY=2
WORKER_VT_SECONDS=8
WORKER_BACKOFF_BASE_SECONDS=1
WORKER_BACKOFF_MAX_SECONDS=2
EOF
  fi
  # The bench stack replays recorded OCR (cache-through) and lifts the limits that would otherwise
  # be what it measures: the Textract governor (AWS's ~5 TPS quota) and the per-user upload limit.
  if [ "$PROFILE" = bench ]; then
    cat >>"$STATE/stack.env" <<'EOF'
TEXTRACT_MODE=replay
TEXTRACT_TPS='{"AnalyzeExpense":{"tps":100000,"burst":10000},"DetectDocumentText":{"tps":100000,"burst":10000}}'
RATE_LIMIT_UPLOAD_LIMIT=1000000
TEXTRACT_LOG=0
EOF
  fi
}

# ---- Postgres ----------------------------------------------------------------
# Run as root, Postgres runs as the postgres user, who must be able to reach the data directory.
# A checkout inside a private directory (mktemp -d makes it 0700) gets search permission for
# others (o+x: pass through, not list) on each directory on the way that lacks it, top down.
let_postgres_reach() {
  local path=/ part
  local IFS=/
  for part in ${1#/}; do
    path=${path%/}/$part
    if ! runuser -u postgres -- test -x "$path"; then
      chmod o+x "$path"
      log "granted the postgres user search permission on $path"
    fi
  done
}

start_postgres() {
  if [ ! -f "$PGDATA/PG_VERSION" ]; then
    log "initdb $PGDATA"
    mkdir -p "$PGDATA"
    [ "$(id -u)" -eq 0 ] && let_postgres_reach "$STATE"
    local pwfile
    pwfile=$(mktemp)
    echo postgres >"$pwfile"
    if [ "$(id -u)" -eq 0 ]; then
      chown -R postgres:postgres "$STATE/pgdata" "$pwfile"
      runuser -u postgres -- "$PGBIN/initdb" -D "$PGDATA" -U postgres --pwfile="$pwfile" \
        -A scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >"$LOGS/initdb.log"
    else
      "$PGBIN/initdb" -D "$PGDATA" -U postgres --pwfile="$pwfile" -A scram-sha-256 \
        --encoding=UTF8 --locale=C.UTF-8 >"$LOGS/initdb.log"
    fi
    rm -f "$pwfile"
    cat >>"$PGDATA/postgresql.conf" <<EOF
# ---- tallyq local stack ----
listen_addresses = '127.0.0.1'
port = $DB_PORT
unix_socket_directories = '$PGDATA'
shared_preload_libraries = 'pg_cron'
cron.database_name = 'postgres'
cron.use_background_workers = on
max_worker_processes = 20
max_connections = 200
shared_buffers = 256MB
wal_level = logical
EOF
    # The test stack trades durability for speed; the dev stack keeps Postgres defaults.
    if [ "$PROFILE" = test ]; then
      printf 'fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n' >>"$PGDATA/postgresql.conf"
    fi
  fi
  if ! pg_is_up; then
    log "starting Postgres on 127.0.0.1:$DB_PORT"
    local as=()
    [ "$(id -u)" -eq 0 ] && as=(runuser -u postgres --)
    "${as[@]}" "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w -t 60 start >/dev/null
  fi
}

# Platform pieces hosted Supabase has and this machine cannot install (see supabase/local/).
install_platform() {
  bash supabase/local/extensions/install.sh >/dev/null
  psql_db -f supabase/local/platform/bootstrap.sql >/dev/null
}

apply_migrations() {
  log "applying migrations with the Supabase CLI"
  "$SUPABASE" db push --remote="$DB_URL" --yes --include-all >"$LOGS/db-push.log" 2>&1 || {
    cat "$LOGS/db-push.log" >&2
    return 1
  }
}

# Vault secrets the database uses to call the worker (same names as on hosted Supabase).
configure_vault() {
  psql_db -v worker_secret="$WORKER_SECRET" -v functions_url="http://127.0.0.1:$API_PORT/functions/v1" <<'SQL' >/dev/null
select vault.update_secret(s.id, :'worker_secret') from vault.secrets as s where s.name = 'tallyq_worker_secret';
select vault.create_secret(:'worker_secret', 'tallyq_worker_secret', 'Bearer secret for database -> worker calls')
where not exists (select 1 from vault.secrets where name = 'tallyq_worker_secret');
select vault.update_secret(s.id, :'functions_url') from vault.secrets as s where s.name = 'tallyq_functions_url';
select vault.create_secret(:'functions_url', 'tallyq_functions_url', 'Base URL of the edge functions')
where not exists (select 1 from vault.secrets where name = 'tallyq_functions_url');
SQL
}

# The demo user's wallet is funded through the real path: a Stripe-signed payment_intent.succeeded
# delivery to payments-webhook (metadata.tallyq_user_id = the demo user), processed by
# webhook-processor into a credit from the Stripe clearing account. Fixed event and payment ids: a
# second start is a duplicate delivery and credits nothing.
fund_demo_user() {
  local secret body t sig code
  secret=${STRIPE_WEBHOOK_SECRETS%%,*}
  body=$(printf '{"id":"evt_tallyq_demo_funding","object":"event","type":"payment_intent.succeeded","created":%s,"livemode":false,"data":{"object":{"id":"pi_tallyq_demo_funding","object":"payment_intent","amount":100000,"amount_received":100000,"currency":"eur","status":"succeeded","metadata":{"tallyq_user_id":"%s"},"created":%s}}}' \
    "$(date +%s)" "$DEMO_USER_ID" "$(date +%s)")
  t=$(date +%s)
  sig=$(printf '%s' "$t.$body" | openssl dgst -sha256 -hmac "$secret" | awk '{print $NF}')
  code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'content-type: application/json' \
    -H "stripe-signature: t=$t,v1=$sig" --data-binary "$body" \
    "http://127.0.0.1:$API_PORT/functions/v1/payments-webhook" || true)
  [ "$code" = 200 ] || log "demo wallet funding webhook answered $code"
}

# Two demo users who can sign in (password: bcrypt via pgcrypto, as GoTrue stores it); the second
# one is there to receive transfers. The hash is rewritten only when the password changed.
seed_demo_user() {
  psql_db -v id="$DEMO_USER_ID" -v pw="$DEMO_USER_PASSWORD" \
    -v id2="$DEMO2_USER_ID" -v pw2="$DEMO2_USER_PASSWORD" <<'SQL' >/dev/null
insert into auth.users (id, email, role, aud, raw_user_meta_data, raw_app_meta_data,
                        email_confirmed_at, created_at, updated_at)
values (:'id', 'demo@tallyq.local', 'authenticated', 'authenticated', '{"name":"Demo"}',
        '{"provider":"email","providers":["email"]}', now(), now(), now()),
       (:'id2', 'demo2@tallyq.local', 'authenticated', 'authenticated', '{"name":"Demo Two"}',
        '{"provider":"email","providers":["email"]}', now(), now(), now())
on conflict (id) do nothing;
update auth.users as u
   set encrypted_password = extensions.crypt(v.pw, extensions.gen_salt('bf')),
       email_confirmed_at = coalesce(u.email_confirmed_at, now()), updated_at = now()
  from (values (:'id'::uuid, :'pw'), (:'id2'::uuid, :'pw2')) as v (id, pw)
 where u.id = v.id
   and case when u.encrypted_password like '$2%'
            then u.encrypted_password <> extensions.crypt(v.pw, u.encrypted_password)
            else true end;
SQL
}

# ---- processes -----------------------------------------------------------------
start_bg() { # name, command...
  local name=$1
  shift
  if pid_alive "$name"; then return 0; fi
  (
    set -a
    # shellcheck disable=SC1091
    . "$STATE/stack.env"
    set +a
    exec setsid "$@" >>"$LOGS/$name.log" 2>&1 </dev/null
  ) &
  echo $! >"$RUN/$name.pid"
}

wait_port() { # name, port
  local i
  for i in $(seq 1 300); do
    port_open "$2" && return 0
    if ! pid_alive "$1"; then
      log "$1 exited; last log lines:"
      tail -20 "$LOGS/$1.log" >&2
      return 1
    fi
    sleep 0.1
  done
  log "$1 did not open port $2"
  return 1
}

start_redis() {
  if port_open "$REDIS_PORT"; then return 0; fi
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes \
    --pidfile "$RUN/redis.pid" --logfile "$LOGS/redis.log" --dir "$STATE"
  local i
  for i in $(seq 1 100); do port_open "$REDIS_PORT" && return 0; sleep 0.05; done
  log "Redis did not start"; return 1
}

start_services() {
  local deno_run=("$DENO" run --allow-all --quiet)
  mkdir -p "$STATE/s3"
  start_bg s3 "${deno_run[@]}" supabase/local/s3/server.ts
  start_bg textract "${deno_run[@]}" supabase/local/textract/server.ts
  start_bg upstash-proxy "${deno_run[@]}" supabase/local/upstash-rest-proxy.ts --port "$UPSTASH_PORT"
  start_bg pg-net-worker "${deno_run[@]}" supabase/local/pg-net-worker.ts
  # The dev stack reloads functions when their code changes (as `supabase functions serve` does), so
  # a new PROCESSOR_VERSION is live before `rederive_receipts` runs. Test and bench stacks do not.
  local watch=()
  [ "$PROFILE" = dev ] && watch=(--watch=supabase/functions/ --no-clear-screen)
  start_bg functions "$DENO" run --allow-all --quiet "${watch[@]}" \
    supabase/local/functions-server.ts --port "$API_PORT"
  wait_port s3 "$S3_PORT"
  wait_port textract "$TEXTRACT_PORT"
  wait_port upstash-proxy "$UPSTASH_PORT"
  wait_port functions "$API_PORT"
}

# The web app (app/): built with Vite when its sources changed since the last build (the build
# fails when the app's own code is over its size budget), then served with /config.json.
build_app() {
  local want
  want=$(cd app && find . -path ./dist -prune -o -type f -print | LC_ALL=C sort | xargs sha256sum |
    cat - ../package-lock.json | sha256sum | cut -d' ' -f1)
  (
    flock 9
    if [ ! -f app/dist/index.html ] || [ "$(cat .tallyq/app-build.hash 2>/dev/null)" != "$want" ]; then
      log "building the web app (vite build app)"
      node_modules/.bin/vite build app --logLevel warn >"$LOGS/app-build.log" 2>&1 || {
        cat "$LOGS/app-build.log" >&2
        exit 1
      }
      echo "$want" >.tallyq/app-build.hash
    fi
  ) 9>.tallyq/app-build.lock
}

start_app() {
  build_app
  start_bg app "$DENO" run --allow-net --allow-read --allow-env --quiet app/serve.ts --port "$APP_PORT"
  wait_port app "$APP_PORT"
}

wait_healthy() {
  local i body
  for i in $(seq 1 100); do
    # no token: health is open (verify_jwt = false), as uptime monitors call it
    body=$(curl -s "http://127.0.0.1:$API_PORT/functions/v1/health" || true)
    if echo "$body" | grep -q '"status":"healthy"'; then return 0; fi
    sleep 0.2
  done
  log "health check did not report healthy: $body"
  return 1
}

print_status() {
  # shellcheck disable=SC1091
  . "$STATE/stack.env"
  cat <<EOF

tallyq local stack ($PROFILE) is running.

         App URL: $APP_URL
         API URL: $SUPABASE_URL
   Functions URL: $FUNCTIONS_URL
          DB URL: $SUPABASE_DB_URL
       Redis URL: $TALLYQ_REDIS_URL
  Upstash REST URL: $UPSTASH_REDIS_REST_URL
 Textract endpoint: $TEXTRACT_ENDPOINT
  S3 (staging) URL: $TEXTRACT_S3_ENDPOINT (bucket $TEXTRACT_S3_BUCKET)
        anon key: $SUPABASE_ANON_KEY
service_role key: $SUPABASE_SERVICE_ROLE_KEY
  demo user id: $DEMO_USER_ID (demo@tallyq.local; wallet funded with 1000.00 EUR by a signed test payment)
 demo user JWT: $DEMO_USER_JWT
  Sign in (supabase-js auth, $SUPABASE_URL/auth/v1):
     demo user: $DEMO_USER_EMAIL / $DEMO_USER_PASSWORD
    demo user 2: $DEMO2_USER_EMAIL / $DEMO2_USER_PASSWORD (id $DEMO2_USER_ID, receives transfers)

  Env for tools: .tallyq/$PROFILE/stack.env   Logs: .tallyq/$PROFILE/logs/
  Put these in your shell:  eval "\$(npm run -s env)"
  Then try:                 curl \$FUNCTIONS_URL/health
EOF
}

stop_all() {
  local name
  for name in app functions pg-net-worker upstash-proxy textract s3; do
    if pid_alive "$name"; then
      kill -- "-$(cat "$RUN/$name.pid")" 2>/dev/null || kill "$(cat "$RUN/$name.pid")" 2>/dev/null || true
    fi
    rm -f "$RUN/$name.pid"
  done
  if [ -f "$RUN/redis.pid" ]; then
    kill "$(cat "$RUN/redis.pid")" 2>/dev/null || true
    rm -f "$RUN/redis.pid"
  fi
  if [ -f "$PGDATA/postmaster.pid" ]; then
    local as=()
    [ "$(id -u)" -eq 0 ] && as=(runuser -u postgres --)
    "${as[@]}" "$PGBIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null 2>&1 || true
  fi
}

start() {
  bash scripts/ensure-deps.sh
  ensure_secrets
  mint_keys
  write_env
  mkdir -p "$STATE/storage"
  start_postgres
  if [ "$(psql_db -tAc "select count(*) from pg_namespace where nspname = 'supabase_migrations'")" = 0 ] ||
    [ -n "${TALLYQ_FORCE_MIGRATE:-}" ]; then
    install_platform
    apply_migrations
  else
    # Warm start: apply only migrations added since the last run; the platform bootstrap is
    # idempotent and may have grown (auth sessions), so it runs again.
    psql_db -f supabase/local/platform/bootstrap.sql >/dev/null
    apply_migrations
  fi
  configure_vault
  seed_demo_user
  start_redis
  start_services
  wait_healthy
  start_app
  fund_demo_user
  print_status
}

reset() {
  ensure_secrets
  mint_keys
  write_env
  start_postgres
  log "dropping and re-creating the database"
  stop_services_only
  PGPASSWORD=postgres psql -X -q -h 127.0.0.1 -p "$DB_PORT" -U postgres -d template1 \
    -c "select pg_terminate_backend(pid) from pg_stat_activity where datname = 'postgres' and pid <> pg_backend_pid()" \
    -c "drop database if exists postgres with (force)" -c "create database postgres" >/dev/null
  # pg_cron's scheduler exits when its database (cron.database_name) is dropped and only comes
  # back with the server: restart Postgres so scheduled jobs run again after a reset.
  log "restarting Postgres (pg_cron's scheduler stops with its database)"
  local as=()
  [ "$(id -u)" -eq 0 ] && as=(runuser -u postgres --)
  "${as[@]}" "$PGBIN/pg_ctl" -D "$PGDATA" -m fast -w -t 60 restart -l "$PGDATA/server.log" >/dev/null
  rm -rf "$STATE/storage"
  start
}

# The stack's variables as `export NAME='value'` lines, for eval "$(npm run -s env)".
print_exports() {
  [ -f "$STATE/stack.env" ] || {
    echo "tallyq local stack ($PROFILE) has no env yet. Start it with: npm start" >&2
    exit 1
  }
  (
    set -a
    # shellcheck disable=SC1091
    . "$STATE/stack.env"
    set +a
    local name
    for name in $(grep -oE '^[A-Z_][A-Z0-9_]*=' "$STATE/stack.env" | tr -d =); do
      printf 'export %s=%q\n' "$name" "${!name}"
    done
  )
}

stop_services_only() {
  local name
  for name in functions pg-net-worker; do
    if pid_alive "$name"; then kill -- "-$(cat "$RUN/$name.pid")" 2>/dev/null || true; fi
    rm -f "$RUN/$name.pid"
  done
}

case "$cmd" in
  start) start ;;
  stop) stop_all; log "stopped" ;;
  reset) reset ;;
  status)
    if [ -f "$STATE/stack.env" ] && pg_is_up && port_open "$API_PORT"; then print_status; else
      echo "tallyq local stack ($PROFILE) is not running. Start it with: npm start" >&2
      exit 1
    fi ;;
  env) print_exports ;;
  ports)
    printf 'API_PORT=%s\nDB_PORT=%s\nREDIS_PORT=%s\nTEXTRACT_PORT=%s\nUPSTASH_PORT=%s\nS3_PORT=%s\nAPP_PORT=%s\n' \
      "$API_PORT" "$DB_PORT" "$REDIS_PORT" "$TEXTRACT_PORT" "$UPSTASH_PORT" "$S3_PORT" "$APP_PORT" ;;
  *) echo "usage: scripts/stack.sh start|stop|status|reset|env|ports [--profile dev|test|bench]" >&2; exit 2 ;;
esac
