#!/usr/bin/env bash
# Ingest benchmark: smtp-receiver (--no-gui, Release) with its durable store on a file and with
# an in-memory store, versus Postfix's smtp-sink (which acknowledges and keeps nothing), in the
# same run, workloads W1-W4 of ../shared/bench:
#   W1  10,000 x 1 KB, one session, a new connection for each message
#   W2  20,000 x 1 KB, 20 sessions x 100 messages
#   W3   2,000 x 100 KB, 10 sessions, a new connection for each message
#   W4  W2 while 500 idle connections stay open (../shared/bench/smtp-idle.py)
# One RESULT line per workload and target: rate, ratio to smtp-sink's rate in the same run, the
# server's CPU per message (user + system, from /proc), idle and peak RSS (VmRSS before, VmHWM
# after), messages stored, store bytes per message (file store), and for W2 the index lag: after
# W2's last 250 one more message with a word of its own is sent (it is counted in "stored"), and
# the time from its 250 until /api/v1/search finds it is printed (the indexer must first pass the
# whole backlog).
# Then bench/big-concurrent.sh (40 x 20 MiB at once: peak RSS, all stored byte-identical) unless
# BIG=0. The figures compare only within one run: the machine is shared and noisy.
#
# Usage: bench/ingest.sh [BUILD_DIR]   (default build/bench, built Release here)
#   WORKLOADS=W1,W2 picks workloads; REPS=N runs each N times (default 1).
# Needs postfix (smtp-source, smtp-sink): see ../shared/bench/README.md for the install line.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/bench}
harness=${SMTP_BENCH_HARNESS:-$(cd .. && pwd)/shared/bench}
py=${PY:-/usr/bin/python3}
workloads=${WORKLOADS:-W1,W2,W3,W4}
reps=${REPS:-1}
[ -x "$harness/smtp-load.sh" ] || { echo "no load harness at $harness" >&2; exit 2; }
command -v /usr/sbin/smtp-sink > /dev/null || { echo "postfix (smtp-sink) is not installed" >&2; exit 2; }

cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF > /dev/null
cmake --build "$build" --target smtp-receiver > /dev/null
bin=$build/bin/smtp-receiver
work=$(mktemp -d)
trap 'kill $(jobs -p) 2> /dev/null || true; rm -rf "$work"' EXIT
hz=$(getconf CLK_TCK)

# shellcheck source=bench/ingest-lib.sh
source bench/ingest-lib.sh
status_kb() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }
kv() { sed -n "s/.* $1=\([^ ]*\).*/\1/p"; }
load_args() {
  case $1 in
    W1) echo "-m 10000 -s 1 -l 1024 -p 1" ;;
    W2 | W4) echo "-m 20000 -s 20 -l 1024 -p 100" ;;
    W3) echo "-m 2000 -s 10 -l 102400 -p 1" ;;
  esac
}
# Runs workload $1 against port $2; with W4 holds the idle connections around it. Prints the
# harness's RESULT line (with " idle=ALIVE/OPENED", the idle connections alive at the end, for W4).
drive() { # workload port
  local idle_pid="" line
  if [ "$1" = W4 ]; then
    "$py" "$harness/smtp-idle.py" 127.0.0.1 "$2" 500 --hold 180 > "$work/idle.out" 2> /dev/null &
    idle_pid=$!
    for _ in $(seq 300); do grep -q '^READY' "$work/idle.out" && break; sleep 0.1; done
  fi
  # shellcheck disable=SC2046
  line=$("$harness/smtp-load.sh" -q $(load_args "$1") 127.0.0.1 "$2" | tail -n 1 || true)
  if [ -n "$idle_pid" ]; then
    kill -USR1 "$idle_pid"
    wait "$idle_pid" 2> /dev/null || true
    line="$line idle=$(sed -n 's/^IDLE //p' "$work/idle.out" \
      | sed -n 's/.*opened=\([0-9]*\).*alive_end=\([0-9]*\).*/\2\/\1/p')"
  fi
  echo "$line"
}
# After a workload: one more message with a word of its own, then how long /api/v1/search takes
# to find it (seconds).
index_lag() { # smtp_port http_port
  "$py" - "$1" "$2" << 'PY'
import json, smtplib, sys, time, urllib.request
smtp_port, http_port = int(sys.argv[1]), int(sys.argv[2])
word = "zyxwvmarker%d" % int(time.time() * 1000)
with smtplib.SMTP("127.0.0.1", smtp_port, timeout=30) as s:
    s.sendmail("lag@bench.test", ["lag@bench.test"],
               "Subject: index lag\r\n\r\nthe word is %s\r\n" % word)
acked = time.monotonic()
url = "http://127.0.0.1:%d/api/v1/search?query=%s" % (http_port, word)
while time.monotonic() - acked < 120:
    with urllib.request.urlopen(url, timeout=30) as r:
        if json.load(r).get("messages_count", 0) >= 1:
            print("%.3f" % (time.monotonic() - acked))
            sys.exit(0)
    time.sleep(0.005)
print("timeout")
PY
}

run_sink() { # workload -> prints rate
  local port; port=$(free_port)
  /usr/sbin/smtp-sink -u nobody -c -m 2048 "127.0.0.1:$port" 1000 > /dev/null &
  local pid=$!
  wait_greeting "$port" "$pid"
  local line; line=$(drive "$1" "$port")
  kill "$pid"; wait "$pid" 2> /dev/null || true
  echo "$1 smtp-sink: $line" >&2
  echo "$line" | kv rate
}

run_ours() { # workload target(file|memory) sink_rate
  local wl=$1 target=$2 sink=$3 port http db
  port=$(free_port); http=$(free_port)
  rm -f "$work"/db*
  db=$work/db.sqlite
  [ "$target" = memory ] && db=:memory:
  "$bin" --no-gui --smtp "127.0.0.1:$port" --http "127.0.0.1:$http" --database "$db" \
    > /dev/null 2> "$work/err" &
  local pid=$!
  wait_greeting "$port" "$pid"
  local idle cpu0 cpu1 peak line lag="" stored="" bytes=""
  idle=$(status_kb "$pid" VmRSS); cpu0=$(cpu_ticks "$pid")
  line=$(drive "$wl" "$port")
  [ "$wl" = W2 ] && lag=$(index_lag "$port" "$http")
  cpu1=$(cpu_ticks "$pid"); peak=$(status_kb "$pid" VmHWM)
  kill "$pid"; wait "$pid" 2> /dev/null || true
  if [ "$target" = file ]; then
    stored=$("$bin" --no-gui --list --json --database "$db" | wc -l)
    bytes=$(du -cb "$work"/db.sqlite* | tail -n 1 | cut -f 1)
  fi
  echo "$wl smtp-receiver ($target): $line" >&2
  local msgs rate idle_conns
  msgs=$(echo "$line" | kv msgs); rate=$(echo "$line" | kv rate)
  idle_conns=$(echo "$line" | sed -n 's/.* idle=\([^ ]*\).*/\1/p')
  awk -v w="$wl" -v t="$target" -v r="$rate" -v s="$sink" -v m="$msgs" -v c=$((cpu1 - cpu0)) \
    -v hz="$hz" -v i="$idle" -v p="$peak" -v st="$stored" -v b="$bytes" -v lag="$lag" \
    -v ic="$idle_conns" 'BEGIN {
      printf "RESULT %s %s rate=%.0f sink_rate=%.0f ratio=%.2f server_cpu_us_per_msg=%.0f idle_rss_mib=%.1f peak_rss_mib=%.1f",
        w, t, r, s, (s > 0 ? r / s : 0), (m > 0 ? c / hz * 1e6 / m : 0), i / 1024, p / 1024
      if (st != "") printf " stored=%d store_bytes_per_msg=%.0f", st, (st > 0 ? b / st : 0)
      if (lag != "") printf " index_lag_s=%s", lag
      if (ic != "") printf " idle_conns_alive=%s", ic
      printf "\n" }'
}

for _ in $(seq "$reps"); do
  for wl in ${workloads//,/ }; do
    sink=$(run_sink "$wl")
    run_ours "$wl" file "$sink"
    run_ours "$wl" memory "$sink"
  done
done
if [ "${BIG:-1}" != 0 ]; then
  SMTP_RECEIVER=$bin bench/big-concurrent.sh
fi
