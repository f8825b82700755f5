#!/usr/bin/env bash
# Ingest benchmark: smtp-receiver with its durable store on a file versus Postfix's smtp-sink
# (which acknowledges and keeps nothing), same machine, same run, workloads W1-W4 of
# ../shared/bench. Prints one RESULT line per workload and target, the ratio, and the server's
# peak RSS. Usage: bench/ingest.sh [BUILD_DIR]   (default build/bench, built Release here)
#
# Needs postfix (smtp-source, smtp-sink): see ../shared/bench/README.md for the install line.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/bench}
harness=${SMTP_BENCH_HARNESS:-$(cd .. && pwd)/shared/bench}
[ -x "$harness/smtp-load.sh" ] || { echo "no load harness at $harness" >&2; exit 2; }
command -v /usr/sbin/smtp-sink > /dev/null || { echo "postfix (smtp-sink) is not installed" >&2; exit 2; }

cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF > /dev/null
cmake --build "$build" > /dev/null
bin=$build/bin/smtp-receiver
work=$(mktemp -d)
trap 'kill $(jobs -p) 2> /dev/null; rm -rf "$work"' EXIT

port_of() { sed -n 's/.*"smtp":"127.0.0.1:\([0-9]*\)".*/\1/p' "$1" | head -n 1; }

start_receiver() { # -> sets RPID, RPORT
  rm -f "$work"/db* "$work/out"
  "$bin" --no-gui --json --smtp 127.0.0.1:0 --database "$work/db.sqlite" > "$work/out" &
  RPID=$!
  for _ in $(seq 100); do RPORT=$(port_of "$work/out"); [ -n "$RPORT" ] && break; sleep 0.05; done
}
start_sink() { # -> sets SPID, SPORT
  SPORT=$((20000 + RANDOM % 20000))
  /usr/sbin/smtp-sink -u nobody -c -m 2048 "127.0.0.1:$SPORT" 1000 > /dev/null &
  SPID=$!
  sleep 0.3
}
rate() { sed -n 's/.* rate=\([0-9.]*\) .*/\1/p'; }

run() { # name, load args...
  local name=$1; shift
  start_sink
  local sink; sink=$("$harness/smtp-load.sh" -q "$@" 127.0.0.1 "$SPORT" | tail -n 1)
  kill "$SPID"; wait "$SPID" 2> /dev/null || true
  start_receiver
  local idle; idle=$(awk '/VmRSS/ {print $2}' "/proc/$RPID/status")
  local ours; ours=$("$harness/smtp-load.sh" -q "$@" 127.0.0.1 "$RPORT" | tail -n 1)
  local peak; peak=$(awk '/VmHWM/ {print $2}' "/proc/$RPID/status")
  local stored; stored=$(grep -c '"event":"message"' "$work/out" || true)
  local dbsize; dbsize=$(du -b "$work"/db.sqlite* | awk '{s += $1} END {print s}')
  kill "$RPID"; wait "$RPID" 2> /dev/null || true
  local r1 r2; r1=$(echo "$sink" | rate); r2=$(echo "$ours" | rate)
  echo "$name smtp-sink:    $sink"
  echo "$name smtp-receiver: $ours"
  awk -v a="$r2" -v b="$r1" -v p="$peak" -v i="$idle" -v n="$stored" -v d="$dbsize" -v w="$name" \
    'BEGIN { printf "%s ratio=%.2f peak_rss_mib=%.1f idle_rss_mib=%.1f stored=%d db_bytes_per_msg=%.0f\n",
             w, (b > 0 ? a / b : 0), p / 1024, i / 1024, n, (n > 0 ? d / n : 0) }'
}

run W1 -m 10000 -s 1 -l 1024 -p 1
run W2 -m 20000 -s 20 -l 1024 -p 100
run W3 -m 2000 -s 10 -l 102400 -p 1
