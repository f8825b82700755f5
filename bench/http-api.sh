#!/usr/bin/env bash
# HTTP API benchmark: how fast the Mailpit-compatible API answers on a big store, and what
# clients polling it cost the SMTP side.
#   1. A store of N generated messages (bench/make-store; default 1,000,000), served by the real
#      binary (--no-gui --http): GET /api/v1/messages (first page of 50 with its counts), a
#      rare-word search ("xylophonist", ~1 in 100,000 messages), a common-word search ("project",
#      ~40%), from:alice, and /api/v1/message/latest; each 15 times with curl over one
#      keep-alive connection per run, median and worst of the wall times curl reports.
#   2. W2 of ../shared/bench (20 sessions x 100 messages of 1 KB) against a fresh durable store,
#      twice: alone, then with 200 concurrent clients polling GET /api/v1/search?query=... every
#      0.5 s as mailpit-api's waitForMessage does (POLL_INTERVAL=0: back to back). Prints both
#      rates and the ratio.
#   3. bench/ws-latency.py: how long after each 250 the /api/events client gets the new frame.
# Targets (issue 11): list and rare word < 20 ms on 1,000,000 messages; W2 with 200 pollers
# >= 0.8 x W2 alone; the new frame < 100 ms after the 250.
#
# Usage: bench/http-api.sh [N] [PATH]   (PATH: keep the generated store there; see store-scale.sh)
# Builds Release into build/bench-store (BUILD_DIR overrides). PARTS picks the parts to run
# (default 123; PARTS=2: W2 alone and polled only, with no store to make). Nothing here runs in
# CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000000}
db=${2:-}
build=${BUILD_DIR:-build/bench-store}
parts=${PARTS:-123}
harness=${SMTP_BENCH_HARNESS:-$(cd .. && pwd)/shared/bench}
py=${PY:-/usr/bin/python3}

echo "== build ($build, Release)"
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSMTPRECEIVER_BENCH=ON \
  -DBUILD_TESTING=OFF > /dev/null
cmake --build "$build" --target make-store smtp-receiver > /dev/null
bin=$build/bin

work=$(mktemp -d /tmp/http-api.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2> /dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
[ -n "$db" ] || db=$work/store.sqlite

# Starts the binary on a store; sets SMTP_PORT and HTTP_PORT from its readiness line.
serve() { # store
  "$bin/smtp-receiver" --no-gui --json --smtp 127.0.0.1:0 --http 127.0.0.1:0 \
    --database "$1" > "$work/out" 2> "$work/err" &
  pids+=($!)
  SERVER_PID=$!
  for _ in $(seq 600); do
    HTTP_PORT=$(sed -n 's/.*"http":"127.0.0.1:\([0-9]*\)".*/\1/p' "$work/out" | head -n 1)
    [ -n "$HTTP_PORT" ] && break
    sleep 0.1
  done
  [ -n "$HTTP_PORT" ] || { echo "server did not start: $(cat "$work/err")" >&2; exit 1; }
  SMTP_PORT=$(sed -n 's/.*"smtp":"127.0.0.1:\([0-9]*\)".*/\1/p' "$work/out" | head -n 1)
}
stop() { kill "$SERVER_PID"; wait "$SERVER_PID" 2> /dev/null || true; }

# Wall times (ms) of 15 GETs of a path on one keep-alive connection: the first (the server
# reads the store; later ones may be answered from the API's cache, which lasts until the store
# changes), the median and the worst.
timed() { # name path
  local name=$1 path=$2 url="http://127.0.0.1:$HTTP_PORT$2" args=() times
  for _ in $(seq 15); do args+=(-o /dev/null "$url"); done
  times=$(curl -s -w '%{time_total}\n' "${args[@]}")
  { echo "$times" | head -n 1; echo "$times" | sort -n; } | awk -v name="$name" -v path="$path" \
    'NR == 1 { first = $1 * 1000; next } { t[NR - 1] = $1 * 1000; n = NR - 1 }
     END { printf "RESULT %s first_ms=%.2f median_ms=%.2f max_ms=%.2f  (%s)\n", name, first, t[int((n + 1) / 2)], t[n], path }'
}

if [[ $parts == *1* ]]; then
echo "== make-store $db $n"
"$bin/make-store" "$db" "$n" | awk '/stored|RESULT|nothing|resuming/'

echo "== API on $n messages"
serve "$db"
curl -s "http://127.0.0.1:$HTTP_PORT/api/v1/messages?limit=1" | head -c 300; echo
timed list "/api/v1/messages"
timed list_deep "/api/v1/messages?start=10000&limit=50"
timed rare "/api/v1/search?query=xylophonist"
timed common "/api/v1/search?query=project"
timed from "/api/v1/search?query=from:alice"
timed subject_substring "/api/v1/search?query=subject:ylophon"
timed latest "/api/v1/message/latest"
stop
fi

if [[ $parts == *3* ]]; then
echo "== /api/events: the new frame after the 250"
serve "$work/ws.sqlite"
"$py" bench/ws-latency.py "$HTTP_PORT" "$SMTP_PORT" 50
stop
fi
[[ $parts == *2* ]] || exit 0

echo "== W2 alone and with 200 clients polling search"
w2() { "$harness/smtp-load.sh" -q -m 20000 -s 20 -l 1024 -p 100 127.0.0.1 "$SMTP_PORT" | tail -n 1; }
rate() { sed -n 's/.* rate=\([0-9.]*\) .*/\1/p'; }
serve "$work/w2-alone.sqlite"
alone=$(w2); echo "alone:   $alone"
stop
serve "$work/w2-polled.sqlite"
cat > "$work/poll.py" <<'PY'
# 200 clients, each polling the search route over its own keep-alive connection until told to
# stop (SIGTERM), every INTERVAL seconds (mailpit-api's waitForMessage polls every 0.5 s; 0 = back
# to back). A client whose connection fails opens a new one. Prints how the polls were answered.
import collections, http.client, os, signal, sys, threading, time
port = int(sys.argv[1])
interval = float(sys.argv[2])
counts = collections.Counter()
started = time.monotonic()
def poll():
    c = None
    while True:
        try:
            if c is None:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            c.request("GET", "/api/v1/search?query=subject:bench&limit=50")
            r = c.getresponse()
            r.read()
            counts[str(r.status)] += 1
        except Exception:
            counts["error"] += 1
            c = None
        time.sleep(interval)
def report(*_):
    secs = time.monotonic() - started
    answered = sum(v for k, v in counts.items() if k != "error")
    detail = " ".join("status_%s=%d" % kv for kv in sorted(counts.items()))
    print("RESULT pollers answered=%d per_sec=%.0f %s" % (answered, answered / secs, detail),
          flush=True)
    os._exit(0)
signal.signal(signal.SIGTERM, report)
for _ in range(200):
    threading.Thread(target=poll, daemon=True).start()
threading.Event().wait()
PY
"$py" "$work/poll.py" "$HTTP_PORT" "${POLL_INTERVAL:-0.5}" &
pollers=$!
pids+=($pollers)
sleep 2
polled=$(w2 || true); echo "polled:  $polled"
kill "$pollers"; wait "$pollers" 2> /dev/null || true
stop
awk -v a="$(echo "$alone" | rate)" -v p="$(echo "$polled" | rate)" \
  'BEGIN { printf "RESULT w2_with_200_pollers alone=%.0f polled=%.0f ratio=%.2f (target >= 0.80)\n", a, p, p / a }'
