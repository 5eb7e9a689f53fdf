#!/usr/bin/env bash
# Usage: scripts/ensure-deps.sh [--list-packages]
# Installs what tallyq needs on a fresh Debian 12 machine, and nothing that is already there:
# Debian packages (Postgres 15 + pg_cron/pgTAP/plpgsql_check, Redis, tesseract, poppler,
# ImageMagick and the font it draws with, and the tools the scripts call) and the npm dependencies
# (Deno, the Supabase CLI and s3rver ship as npm packages). Safe to run concurrently.
# `--list-packages` prints the Debian packages and exits (scripts/hygiene/external-commands.sh checks every
# command the project runs against them).
set -euo pipefail
cd "$(dirname "$0")/.."

# One line per need, so a missing one is easy to spot. Installed with --no-install-recommends:
# anything only a "Recommends" would bring (fonts, for one) must be named here.
APT_PACKAGES=(
  postgresql-15 postgresql-contrib postgresql-15-cron postgresql-15-pgtap postgresql-15-plpgsql-check
  libtap-parser-sourcehandler-pgtap-perl # pg_prove
  redis-server
  tesseract-ocr tesseract-ocr-eng         # the local Textract's OCR engine
  poppler-utils                           # pdfinfo, pdftoppm (PDF pages for the local Textract)
  imagemagick fonts-dejavu-core           # convert; tests draw text with -font DejaVu-Sans
  curl openssl git                        # stack health probe, generated secrets, git ls-files
  chromium                                # the web app's browser tests (playwright-core drives it)
)
if [ "${1:-}" = "--list-packages" ]; then
  printf '%s\n' "${APT_PACKAGES[@]}"
  exit 0
fi

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

mkdir -p .tallyq
if [ ${#missing[@]} -gt 0 ]; then
  (
    flock 9
    echo "ensure-deps: installing Debian packages: ${missing[*]}" >&2
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    export DEBIAN_FRONTEND=noninteractive
    # Debian's postgresql-common would create and start a default cluster on 5432; we run our own.
    $SUDO mkdir -p /etc/postgresql-common/createcluster.d
    echo "create_main_cluster = false" | $SUDO tee /etc/postgresql-common/createcluster.d/tallyq.conf >/dev/null
    $SUDO apt-get update -qq >&2
    $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
  ) 9>.tallyq/apt.lock
fi

# npm dependencies, exactly as package-lock.json pins them: `npm ci` never rewrites the lockfile
# (the committed one lists every platform's optional packages, so no platform churn), and the stamp
# (the lockfile's hash) makes the next run skip the install.
stamp=node_modules/.tallyq-lock-hash
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  (
    flock 9
    if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
      echo "ensure-deps: installing npm dependencies from package-lock.json (npm ci)" >&2
      ONNXRUNTIME_NODE_INSTALL_CUDA=skip npm ci --no-audit --no-fund --loglevel=error >&2
      echo "$want" >"$stamp"
    fi
  ) 9>.tallyq/npm.lock
fi
