#!/usr/bin/env bash
# A/B of two builds of smtp-receiver on one ingest workload, alternately, on a durable file store:
# this machine's rates move by +-30 % from one minute to the next (a shared VM), so two builds
# are compared in the same minutes, round after round, and by their medians.
#
# Per round and build: the rate (messages acknowledged per second), the server's CPU per message
# (user + system, from /proc) and each thread's share of it by the thread's name (the main/SMTP
# thread has the program's, then smtp-writer and smtp-indexer, from /proc/PID/task), counted from
# before the workload until the index has caught up; then the medians.
#
# Usage: bench/ingest-ab.sh BUILD_A BUILD_B [W1|W2|W3] [ROUNDS]   (default W2, 5 rounds)
#   BUILD_X: a build directory with bin/smtp-receiver (e.g. a Release build of another commit,
#   made from a git worktree). Needs postfix's smtp-source (../shared/bench/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 2 ] || { echo "usage: bench/ingest-ab.sh BUILD_A BUILD_B [W1|W2|W3] [ROUNDS]" >&2; exit 2; }
builds=("$1" "$2")
workload=${3:-W2}
rounds=${4:-5}
harness=${SMTP_BENCH_HARNESS:-$(cd .. && pwd)/shared/bench}
py=${PY:-/usr/bin/python3}
for b in "${builds[@]}"; do
  [ -x "$b/bin/smtp-receiver" ] || { echo "no $b/bin/smtp-receiver" >&2; exit 2; }
done
case $workload in
  W1) args="-m 5000 -s 1 -l 1024 -p 1"; msgs=5000 ;;
  W2) args="-m 20000 -s 20 -l 1024 -p 100"; msgs=20000 ;;
  W3) args="-m 1000 -s 10 -l 102400 -p 1"; msgs=1000 ;;
  *) echo "unknown workload $workload (W1, W2 or W3)" >&2; exit 2 ;;
esac
work=$(mktemp -d)
trap 'kill $(jobs -p) 2> /dev/null || true; rm -rf "$work"' EXIT
hz=$(getconf CLK_TCK)

# shellcheck source=bench/ingest-lib.sh
source bench/ingest-lib.sh
# Until no message waits for the indexer (at most 60 s).
caught_up() { # database
  for _ in $(seq 3000); do
    [ "$(sqlite3 "file:$1?mode=ro" 'SELECT count(*) FROM messages WHERE unindexed <> 0' 2> /dev/null)" = 0 ] \
      && return 0
    sleep 0.02
  done
}

one_round() { # build label
  local port pid line rate tids=() before=() total=0 shares="" i
  port=$(free_port)
  rm -f "$work"/db.sqlite*
  "$1/bin/smtp-receiver" --no-gui --smtp "127.0.0.1:$port" --database "$work/db.sqlite" \
    > /dev/null 2>&1 &
  pid=$!
  wait_greeting "$port" "$pid"
  # Warm up (the first connections, the first commits), then take the threads as they are.
  "$harness/smtp-load.sh" -q -m 50 -s 1 -l 1024 -p 1 127.0.0.1 "$port" > /dev/null
  caught_up "$work/db.sqlite"
  mapfile -t tids < <(find "/proc/$pid/task" -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -n)
  for i in "${!tids[@]}"; do before[i]=$(stat_ticks "/proc/$pid/task/${tids[i]}/stat"); done
  # shellcheck disable=SC2086
  line=$("$harness/smtp-load.sh" -q $args 127.0.0.1 "$port" | tail -n 1)
  caught_up "$work/db.sqlite"
  for i in "${!tids[@]}"; do
    local d=$(($(stat_ticks "/proc/$pid/task/${tids[i]}/stat") - before[i]))
    total=$((total + d))
    # Named by the thread (the main thread has the program's name; the store names its writer
    # and indexer), the threads that ran at all.
    [ "$d" -gt 0 ] && shares="$shares${shares:+,}$(cat "/proc/$pid/task/${tids[i]}/comm"):$(awk \
      -v d="$d" -v hz="$hz" -v m="$msgs" 'BEGIN { printf "%.0f", d / hz * 1e6 / m }')"
  done
  kill "$pid"; wait "$pid" 2> /dev/null || true
  rate=$(echo "$line" | sed -n 's/.* rate=\([^ ]*\).*/\1/p')
  awk -v l="$2" -v r="$rate" -v t="$total" -v hz="$hz" -v m="$msgs" -v s="$shares" 'BEGIN {
    printf "ROUND %s rate=%.0f cpu_us_per_msg=%.0f threads_us=%s\n", l, r, t / hz * 1e6 / m, s }'
}

for r in $(seq "$rounds"); do
  # Alternate which build goes first, so neither always runs on a warmer machine.
  if [ $((r % 2)) = 1 ]; then order="0 1"; else order="1 0"; fi
  for i in $order; do
    one_round "${builds[i]}" "$([ "$i" = 0 ] && echo A || echo B)" | tee -a "$work/rounds"
  done
done
for l in A B; do
  grep "^ROUND $l " "$work/rounds" | awk -v l="$l" -v w="$workload" -v b="${builds[$([ "$l" = A ] && echo 0 || echo 1)]}" '
    { split($3, a, "="); split($4, c, "="); rate[NR] = a[2]; cpu[NR] = c[2] }
    function median(x, n,   i, j, t) {
      for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (x[j] < x[i]) { t = x[i]; x[i] = x[j]; x[j] = t }
      return n % 2 ? x[(n + 1) / 2] : (x[n / 2] + x[n / 2 + 1]) / 2
    }
    END { printf "MEDIAN %s %s %s rounds=%d rate=%.0f cpu_us_per_msg=%.0f\n", l, w, b, NR, median(rate, NR), median(cpu, NR) }'
done
