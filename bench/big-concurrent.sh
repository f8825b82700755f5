#!/usr/bin/env bash
# Big concurrent mail: 40 clients each send one 20 MiB message at the same moment to smtp-receiver
# with its durable store on a file (Release build, --no-gui). Prints the server's peak RSS and
# whether all 40 were acknowledged and stored byte-identical (bench/big-concurrent.py).
# Usage: bench/big-concurrent.sh [BUILD_DIR] [-- big-concurrent.py options]
#   (default build/bench, built Release here; SMTP_RECEIVER=/path/to/binary runs that one instead)
set -euo pipefail
cd "$(dirname "$0")/.."
build=build/bench
if [ $# -gt 0 ] && [ "$1" != "--" ]; then build=$1; shift; fi
[ "${1:-}" = "--" ] && shift
bin=${SMTP_RECEIVER:-}
if [ -z "$bin" ]; then
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF > /dev/null
  cmake --build "$build" > /dev/null
  bin=$build/bin/smtp-receiver
fi
work=$(mktemp -d)
trap 'kill $(jobs -p) 2> /dev/null || true; rm -rf "$work"' EXIT

"$bin" --no-gui --json --smtp 127.0.0.1:0 --http 127.0.0.1:0 --database "$work/db.sqlite" \
  > "$work/out" &
pid=$!
for _ in $(seq 200); do
  smtp=$(sed -n 's/.*"smtp":"127.0.0.1:\([0-9]*\)".*/\1/p' "$work/out" | head -n 1)
  http=$(sed -n 's/.*"http":"127.0.0.1:\([0-9]*\)".*/\1/p' "$work/out" | head -n 1)
  [ -n "$smtp" ] && [ -n "$http" ] && break
  sleep 0.05
done
[ -n "$smtp" ] || { echo "the server did not start" >&2; exit 2; }

status=0
"${PY:-python3}" bench/big-concurrent.py "$smtp" "$http" "$pid" "$@" || status=$?
echo "store_bytes=$(du -b "$work"/db.sqlite* | awk '{s += $1} END {print s}')"
kill "$pid"; wait "$pid" 2> /dev/null || true
exit $status
