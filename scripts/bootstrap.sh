#!/usr/bin/env bash
# Installs what a fresh clone is missing, and nothing when it is all there (runs before `npm run demo`
# and `npm test`): npm packages from the lockfile, the generated Prisma client, Debian's Chromium.
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

chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ ! -x "$chromium" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "bootstrap: installing Debian's chromium (PDF reports)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null && apt-get install -y -qq chromium >/dev/null
  else
    echo "bootstrap: Chromium is missing at $chromium. Install it (sudo apt-get install -y chromium) or set CHROMIUM_PATH; PDF exports need it." >&2
  fi
fi
