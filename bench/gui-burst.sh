#!/usr/bin/env bash
# GUI burst benchmark: does receiving 5,000 messages a second freeze the window? The real
# MainWindow (offscreen platform, temporary database file, --smtp 127.0.0.1:0) receives a burst
# of ~1 KiB messages over 64 parallel SMTP sessions, paced at 1,000, 5,000 and 10,000 msg/s
# (each 50,000 messages, or 10 s worth when that is fewer), while a 5 ms timer on the GUI thread
# records how late it fires. An idle baseline of 2 s comes first in every run. bench/gui-burst.cpp
# says exactly what is measured.
#
# How to read a RESULT line:
#   rate        250s per second actually achieved (first MAIL -> last 250); below target= when
#               the server, the store or this machine cannot keep up (the tool says how far
#               behind schedule the generator fell)
#   sent/acked  bodies sent / 250s received (the difference was refused or lost)
#   maxLateMs   the longest the GUI thread kept the timer waiting beyond its 5 ms; p99LateMs
#               the 99th percentile. stalls50/stalls100: ticks more than 50/100 ms late. A stall
#               > 100 ms is a visible freeze (typing, scrolling and repaints wait that long)
#   catchUpMs   last 250 -> the inbox model shows every acknowledged message
#   batches     rowsInserted signals of the inbox model (the model batches live inserts)
#   notifications  desktop notifications shown (one per burst, one per 10 s of a longer one)
#   peakRssMiB  VmHWM of the process (window + server + store + the load generator's threads)
#   baseMaxLateMs/baseP99LateMs  the same with no load: this machine's own noise; load1 is the
#               1-minute load average when the burst began (other work competes for the cores)
#   busyStalls50/busyStalls100  late ticks during which the GUI thread really ran > 50/100 ms
#               (work of the window); the other stalls are the GUI thread waiting for a core
#   guiCpuWaitMs  how long in all the GUI thread waited for a core during the burst (schedstat)
# Above each RESULT the tool prints where the GUI thread's time went: events by type and
# receiver with wall and CPU time (wall >> CPU means the thread was waiting for a core, not
# working), the Paint events by widget, the longest single dispatches, CPU time per thread.
#
# Usage: bench/gui-burst.sh [BUILD_DIR]   (default build/bench, built Release here)
#   RATES="1000 5000 10000" MESSAGES=50000 CONNECTIONS=64 SIZE=1024 override the workload;
#   GUI_BURST_ARGS adds options (--sort subject, --no-profile, --dir DIR for the database).
#   QT_QPA_PLATFORM=xcb xvfb-run -a bench/gui-burst.sh draws through X instead of offscreen.
# The machine is shared and small: run it twice and compare; `uptime` is printed around runs.
# Nothing here runs in CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/bench}
rates=${RATES:-1000 5000 10000}
max_messages=${MESSAGES:-50000}
connections=${CONNECTIONS:-64}
size=${SIZE:-1024}
read -r -a extra <<< "${GUI_BURST_ARGS:-}" # extra options, split on spaces

echo "== build ($build, Release)"
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSMTPRECEIVER_BENCH=ON \
  -DBUILD_TESTING=OFF > /dev/null
cmake --build "$build" --target gui-burst > /dev/null
# The numbers belong to the sources they were built from.
echo "== tree: $(git rev-parse --short HEAD 2> /dev/null || echo '?')," \
  "$(git status --short -- src 2> /dev/null | wc -l) file(s) in src/ differ from it;" \
  "$(nproc) cores"

results=()
for rate in $rates; do
  messages=$((rate * 10 < max_messages ? rate * 10 : max_messages))
  echo "== gui-burst --rate $rate --messages $messages --connections $connections --size $size" \
    "${GUI_BURST_ARGS:-}"
  echo "   $(uptime)"
  # Chromium's and Qt's start-up chatter goes; everything the tool prints stays.
  out=$("$build/bin/gui-burst" --rate "$rate" --messages "$messages" --size "$size" \
    --connections "$connections" ${extra[@]+"${extra[@]}"} 2> /dev/null) || true
  echo "$out" | sed -n '/^gui-burst:/,$p'
  line=$(echo "$out" | grep '^RESULT' || echo "RESULT gui-burst rate=0 target=$rate FAILED")
  results+=("$line")
done

echo "== summary ($(uptime))"
printf '%s\n' "${results[@]}"
