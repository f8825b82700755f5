#!/bin/sh
# Installs the pinned npm clients into a folder of the build (npm ci, skipped while the installed
# tree matches the lock) and runs mailpit-clients.test.mjs there against $SMTP_RECEIVER.
# Usage: run.sh <build folder for the clients>. Exits 77 (CTest's skip) when node or npm is
# missing; any other failure, the server's included, fails the test.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
dir=${1:?usage: run.sh <folder>}

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "node or npm is missing: skipped (scripts/install-deps.sh installs them)" >&2
  exit 77
fi
: "${SMTP_RECEIVER:?SMTP_RECEIVER must name the smtp-receiver binary}"

mkdir -p "$dir"
cp "$here/package.json" "$here/package-lock.json" "$here/mailpit-clients.test.mjs" "$dir/"
stamp="$dir/node_modules/.smtp-receiver-lock"
if ! cmp -s "$dir/package-lock.json" "$stamp" 2>/dev/null; then
  npm ci --prefix "$dir" --no-audit --no-fund
  cp "$dir/package-lock.json" "$stamp"
fi
cd "$dir"
exec node mailpit-clients.test.mjs
