#!/usr/bin/env bash
# Store-scale benchmark (issue 3, "Speed and scale"): a store of N generated messages (default
# 1,000,000), then
#   - api-bench on it: the store work behind GET /api/v1/messages and /api/v1/search;
#   - store-bench on it, twice warm (the machine is shared: numbers are noisy) and once with the
#     file evicted from the page cache before every run (--cold, 3 runs): open, newest 200
#     summaries, paging, full-text search (rare word, common word, from:), forEach over
#     everything with its peak RSS, database size per message;
#   - gui-open: the real main window opened on it (offscreen), twice: first page, searches;
#   - the real server idle on it for 3 s (--no-gui --smtp 127.0.0.1:0): its RSS;
#   - smtp-receiver --list --json on it: wall time and peak RSS.
# Targets: open < 0.5 s, newest 200 < 20 ms, rare-word search < 100 ms, window open < 2 s,
# search in the window < 200 ms, --list streaming (peak
# RSS flat), idle server RSS < 60 MiB.
#
# Usage: bench/store-scale.sh [N] [PATH]
#   N     messages in the store (default 1000000)
#   PATH  the store file: created, or topped up to N (make-store resumes), and kept. Without it
#         the store goes to a temporary directory under /tmp that is removed at the end
#         (generating 1,000,000 takes about 10 minutes and ~9 GB on this machine).
# Builds Release into build/bench-store (BUILD_DIR overrides). Nothing here runs in CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000000}
db=${2:-}
build=${BUILD_DIR:-build/bench-store}

echo "== build ($build, Release)"
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSMTPRECEIVER_BENCH=ON \
  -DBUILD_TESTING=OFF > /dev/null
cmake --build "$build" --target make-store store-bench api-bench gui-open smtp-receiver > /dev/null
bin=$build/bin

work=$(mktemp -d /tmp/store-scale.XXXXXX)
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2> /dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
[ -n "$db" ] || db=$work/store.sqlite

echo "== make-store $db $n"
"$bin/make-store" "$db" "$n" | awk 'NR % 5 == 0 || /stored|RESULT|nothing|resuming/'

for run in 1 2; do
  echo "== store-bench $db (warm, run $run)"
  "$bin/store-bench" "$db"
done
echo "== store-bench $db --cold --runs 3"
"$bin/store-bench" "$db" --cold --runs 3
echo "== api-bench $db (the store work of GET /api/v1/messages and /api/v1/search)"
"$bin/api-bench" "$db"

# Peak RSS of a command: GNU time when present, else a poll of VmHWM while it runs.
peak_of() { # output-file command... ; prints "seconds peak_kib"
  local out=$1; shift
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f '%e %M' -o "$work/time.out" "$@" > "$out"
    tail -n 1 "$work/time.out"
  else
    local start end pid hwm=0 h
    start=$(date +%s.%N)
    "$@" > "$out" &
    pid=$!
    while h=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status" 2> /dev/null) && [ -n "$h" ]; do
      hwm=$h
      sleep 0.05
    done
    wait "$pid"
    end=$(date +%s.%N)
    echo "$(echo "$end - $start" | bc) $hwm"
  fi
}

# The real window on the store (offscreen): time to its first page, and to search results
# (directly, and typed into the search field with its 250 ms debounce). Target: < 2 s, < 200 ms.
for run in 1 2; do
  echo "== gui-open $db (run $run)"
  QT_QPA_PLATFORM=offscreen "$bin/gui-open" "$db" 2> /dev/null
done

echo "== idle server on the store"
start=$(date +%s.%N)
"$bin/smtp-receiver" --no-gui --smtp 127.0.0.1:0 --database "$db" > "$work/server.out" 2>&1 &
server_pid=$!
for _ in $(seq 400); do
  grep -q listening "$work/server.out" && break
  kill -0 "$server_pid" 2> /dev/null || { cat "$work/server.out" >&2; exit 1; }
  sleep 0.025
done
ready=$(echo "$(date +%s.%N) - $start" | bc)
sleep 3
idle_rss=$(awk '/VmRSS/ {print $2}' "/proc/$server_pid/status")
idle_hwm=$(awk '/VmHWM/ {print $2}' "/proc/$server_pid/status")
kill "$server_pid"
wait "$server_pid" 2> /dev/null || true
server_pid=
printf 'server: listening after %.2f s; after 3 s idle VmRSS %.1f MiB (VmHWM %.1f MiB)\n' \
  "$ready" "$(echo "$idle_rss / 1024" | bc -l)" "$(echo "$idle_hwm / 1024" | bc -l)"

echo "== smtp-receiver --list --json --database $db > /dev/null"
read -r list_s list_kib < <(peak_of /dev/null "$bin/smtp-receiver" --list --json --database "$db")
printf -- '--list: %.2f s, peak RSS %.1f MiB\n' "$list_s" "$(echo "$list_kib / 1024" | bc -l)"

printf 'RESULT store_scale n=%s idle_server_rss_mib=%.1f idle_server_hwm_mib=%.1f server_ready_s=%.2f list_s=%.2f list_peak_rss_mib=%.1f\n' \
  "$n" "$(echo "$idle_rss / 1024" | bc -l)" "$(echo "$idle_hwm / 1024" | bc -l)" "$ready" \
  "$list_s" "$(echo "$list_kib / 1024" | bc -l)"
