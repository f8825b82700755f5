#!/usr/bin/env bash
# Remote catcher benchmark: a headless smtp-receiver serves a big store over its HTTP API
# (--http 127.0.0.1:0, the store only read), and bench/remote-open.cpp opens the desktop window
# on it as a remote catcher: time to the first page shown, then page by page scrolling.
# Target: the first page in < 2 s at 1,000,000 messages.
#
# Usage: bench/remote-open.sh STORE [PAGES] [BUILD_DIR]   (default 20 pages, build/dev built with
#        -DSMTPRECEIVER_BENCH=ON)
# The store is used in place (copying 9 GB is not worth it): no mail is sent, so the catcher only
# reads it (apart from what opening a store does: indexing anything left unindexed).
#
# Measured (2 loaded cores, offscreen, 1,000,000-message store, build/dev RelWithDebInfo):
#   first_page_ms=1162 rows=200; 20 pages: page_ms_median=136 page_ms_max=282; peak RSS 104 MiB
# Again with build/bench-store (Release) on a quiet machine, schema 8 store:
#   first_page_ms=387 rows=200; 20 pages: page_ms_median=80 page_ms_max=105; peak RSS 105 MiB
set -euo pipefail
store=${1:?usage: remote-open.sh STORE [PAGES] [BUILD_DIR]}
pages=${2:-20}
build=${3:-build/dev}
cmake --build "$build" -j2 --target remote-open smtp-receiver SmtpReceiverGui >/dev/null
out=$(mktemp)
"$build/bin/smtp-receiver" --no-gui --json --smtp 127.0.0.1:0 --http 127.0.0.1:0 \
    --database "$store" >"$out" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -f "$out"' EXIT
for _ in $(seq 600); do
    grep -q '"http"' "$out" && break
    sleep 0.1
done
http=$(grep -o '"http":"[^"]*"' "$out" | head -1 | cut -d'"' -f4)
[ -n "$http" ] || { echo "the catcher did not start" >&2; exit 1; }
QT_QPA_PLATFORM=${QT_QPA_PLATFORM:-offscreen} "$build/bin/remote-open" "http://$http" "$pages"
