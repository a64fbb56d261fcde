#!/usr/bin/env bash
# Installs what a fresh clone is missing, and nothing when it is all there (runs before `npm run demo`
# and `npm test`): npm packages from the lockfile, the generated Prisma client, Debian's Chromium, qpdf,
# CJK fonts, poppler-utils and promtool (Debian's prometheus package).
set -euo pipefail
cd "$(dirname "$0")/.."

stamp=node_modules/.alert-ledger-lock
if [ ! -d node_modules ] || ! cmp -s package-lock.json "$stamp" 2>/dev/null; then
  echo "bootstrap: installing npm packages (npm ci)"
  npm ci --no-audit --no-fund
  cp package-lock.json "$stamp"
fi

generated=libs/database/src/generated/prisma/client.ts
if [ ! -f "$generated" ] || [ prisma/schema.prisma -nt "$generated" ]; then
  echo "bootstrap: generating the Prisma client"
  # `prisma generate` never runs the schema engine, but the CLI insists that its binary exists;
  # migrations go through the wasm engine (npm run db:migrate).
  PRISMA_SCHEMA_ENGINE_BINARY="${PRISMA_SCHEMA_ENGINE_BINARY:-$PWD/package.json}" npx --no-install prisma generate >/dev/null
  touch "$generated"
fi

# Debian packages the exports need: Chromium prints the PDF reports, qpdf merges their chunks, the Noto
# CJK fonts render Korean and Chinese reports, DejaVu sets the tables (Sans Mono for ids), poppler-utils
# (pdftotext) lets the tests read PDFs back, and unzip opens evidence packs in the tests as an auditor would;
# the tests start Alertmanager (prometheus-alertmanager) to deliver real webhooks.
chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
missing=()
[ -x "$chromium" ] || missing+=(chromium)
command -v qpdf >/dev/null || missing+=(qpdf)
command -v pdftotext >/dev/null || missing+=(poppler-utils)
command -v unzip >/dev/null || missing+=(unzip)
# The offline verifier's spec runs its README's commands for auditors, which read JSON with jq and check
# signatures with openssl.
command -v jq >/dev/null || missing+=(jq)
command -v openssl >/dev/null || missing+=(openssl)
command -v "${ALERTMANAGER_BIN:-prometheus-alertmanager}" >/dev/null || missing+=(prometheus-alertmanager)
# promtool (Debian's prometheus package) checks the api's and the worker's /metrics in the tests.
command -v promtool >/dev/null || missing+=(prometheus)
# The font list is read once into a variable: `fc-list | grep -q` under pipefail fails when grep stops
# at the first match and fc-list dies of SIGPIPE, which reported installed fonts as missing.
fonts="$(fc-list 2>/dev/null || true)"
grep -qi "Noto Sans CJK" <<<"$fonts" || missing+=(fonts-noto-cjk)
grep -qi "DejaVu Sans Mono" <<<"$fonts" || missing+=(fonts-dejavu-core)
# The fault tests (test/faults.e2e-spec.ts) stop and start servers of their own: a private Redis and a
# private PostgreSQL cluster (pg_createcluster), never the shared ones.
command -v redis-server >/dev/null || missing+=(redis-server)
command -v pg_createcluster >/dev/null || missing+=(postgresql-common)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
# The object storage tests (test/exports-s3.e2e-spec.ts) start a private OpenStack Swift with its S3 API
# (scripts/swift.sh); without recommends it is 59 packages instead of 141.
swift_missing=()
for server in proxy account container object; do
  command -v "swift-$server-server" >/dev/null || swift_missing+=("swift-$server")
done
[ -f /etc/swift/swift.conf ] || swift_missing+=(swift)
command -v memcached >/dev/null || swift_missing+=(memcached)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "bootstrap: installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    # Other installs may hold the dpkg lock (several clones on one machine): wait for it.
    apt_get() { apt-get -o DPkg::Lock::Timeout=600 "$@"; }
    apt_get update -qq >/dev/null && apt_get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "bootstrap: missing Debian packages: ${missing[*]}. Install them (sudo apt-get install -y ${missing[*]}); PDF exports need them." >&2
  fi
fi
if [ ${#swift_missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "bootstrap: installing Debian packages: ${swift_missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get -o DPkg::Lock::Timeout=600 update -qq >/dev/null
    apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${swift_missing[@]}" >/dev/null
  else
    echo "bootstrap: missing Debian packages: ${swift_missing[*]}. Install them (sudo apt-get install -y --no-install-recommends ${swift_missing[*]}); the object storage tests need them." >&2
  fi
fi

# The development key that signs the audit log's checkpoints (SIGNING_KEY_FILE): made once, under var/ (never committed).
signing_key=var/keys/checkpoint-signing-key.pem
if [ ! -f "$signing_key" ]; then
  echo "bootstrap: writing a development checkpoint signing key ($signing_key)"
  mkdir -p var/keys
  node -e "const c=require('node:crypto');require('node:fs').writeFileSync(process.argv[1],c.generateKeyPairSync('ed25519').privateKey.export({type:'pkcs8',format:'pem'}),{mode:0o600})" "$signing_key"
fi
