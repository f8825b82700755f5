#!/usr/bin/env bash
# Import benchmark: `smtp-receiver import` of 1,000 generated .eml files (~2 KiB each, text and
# a small attachment) into a fresh store on a file. Prints the wall time of the import alone
# (the target is under 5 s) and checks that all 1,000 were stored.
# Usage: bench/import-eml.sh [BUILD_DIR] [COUNT]
#   (default build/bench, built Release here; SMTP_RECEIVER=/path/to/binary runs that one instead)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/bench}
count=${2:-1000}
bin=${SMTP_RECEIVER:-}
if [ -z "$bin" ]; then
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF > /dev/null
  cmake --build "$build" --target smtp-receiver > /dev/null
  bin=$build/bin/smtp-receiver
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/eml"

attachment=$(head -c 600 /dev/urandom | base64 -w 76)
for i in $(seq "$count"); do
  printf 'From: App <app@x.test>\r\nTo: dev%d@x.test\r\nSubject: Order %d confirmed\r\nDate: Sat, 5 Dec 2026 12:00:00 +0000\r\nMessage-ID: <%d@x.test>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nThank you for order %d.\r\nIt ships tomorrow.\r\n--b\r\nContent-Type: application/octet-stream; name="order-%d.bin"\r\nContent-Disposition: attachment; filename="order-%d.bin"\r\nContent-Transfer-Encoding: base64\r\n\r\n%s\r\n--b--\r\n' \
    "$i" "$i" "$i" "$i" "$i" "$i" "${attachment//$'\n'/$'\r\n'}" > "$work/eml/$i.eml"
done

start=$(date +%s.%N)
"$bin" import --database "$work/db.sqlite" "$work"/eml/*.eml > /dev/null
end=$(date +%s.%N)
stored=$("$bin" --list --json --database "$work/db.sqlite" | wc -l)
printf 'imported %d .eml files in %.2f s (%d stored; target < 5 s)\n' "$count" \
  "$(echo "$end - $start" | bc)" "$stored"
[ "$stored" -eq "$count" ]
