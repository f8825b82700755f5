#!/usr/bin/env bash
# Mailbox benchmark: a store of N generated messages (default 200,000) in M mailboxes (default
# 50; Inbox the biggest, then ever smaller ones, as make-store --mailboxes spreads them), then
# mailbox-bench on it: the mailbox list, one mailbox's counts, its first and second page newest
# first, and SmtpInboxModel switching to it. Target: switching mailbox < 50 ms.
# Measured here (RelWithDebInfo, 2 shared cores, the indexer still catching up): 300,000 messages
# in 50 mailboxes: list 0.25 ms, counts 0.08 ms, newest 200 2.0 ms median (16 ms max), the model
# switching 4.6 ms median (32 ms max). 1,000,000 messages in 50 mailboxes (the store-scale.sh
# store spread by bench/spread-mailboxes.py; Release, quiet machine, 5 runs over every mailbox):
# list 0.10 ms, counts 0.07 ms, newest 200 1.9 ms median (6.0 ms max), the model switching
# 2.4 ms median (6.7 ms max); right after dropping the page cache, switching 2.4 ms (6.3 ms max).
#
# Usage: bench/mailbox-switch.sh [N] [M] [PATH]
#   PATH  the store file: created, or topped up to N (make-store resumes), and kept. Without it
#         the store goes to a temporary directory that is removed at the end. Never point it
#         at a store made without --mailboxes: its mail would all be in Inbox.
# Builds Release into build/bench-store (BUILD_DIR overrides). Nothing here runs in CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-200000}
m=${2:-50}
db=${3:-}
build=${BUILD_DIR:-build/bench-store}

echo "== build ($build)"
if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSMTPRECEIVER_BENCH=ON \
    -DBUILD_TESTING=OFF > /dev/null
fi
cmake --build "$build" --target make-store mailbox-bench > /dev/null
bin=$build/bin

work=$(mktemp -d /tmp/mailbox-switch.XXXXXX)
trap 'rm -rf "$work"' EXIT
[ -n "$db" ] || db=$work/store.sqlite

echo "== make-store $db $n --mailboxes $m"
"$bin/make-store" "$db" "$n" --mailboxes "$m" | awk 'NR % 5 == 0 || /stored|RESULT|nothing|resuming/'
echo "== mailbox-bench $db"
"$bin/mailbox-bench" "$db"
