#!/usr/bin/env bash
# Runs every test smtp-receiver has, the way CI does (.ci/run calls exactly this):
#   0. every C++ file formatted as .clang-format says (scripts/check-format.sh);
#   1. GCC build, warnings as errors, the whole CTest suite;
#   2. clang build with AddressSanitizer + UBSan, the whole suite again, then the libFuzzer
#      targets (SMTP session, HTTP request parser, send API, MIME parsing, search language)
#      for FUZZ_SECONDS (default 100) in all, from their seed corpora;
#   3. the library installed into a temporary prefix and the two examples (Qt Widgets, Qt Quick)
#      built against it, each with its test;
#   4. the install checked (desktop entry, metainfo, manual page, expected files), then a Debian
#      package built, installed with apt-get, run (swaks, the sendmail link, the window, the QML
#      module) and purged again.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
jobs=$(nproc)
fuzz_seconds=${FUZZ_SECONDS:-100}

step() { printf '\n== %s ==\n' "$*"; }

step "dependencies"
scripts/install-deps.sh

step "formatting (clang-format)"
scripts/check-format.sh

export QT_QPA_PLATFORM=offscreen
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/tmp/runtime-$(id -u)}
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"

# The three builds below compile through ccache: a clone at another path, or the next run of
# this script, compiles only what changed (CCACHE_DIR or ccache's default directory keeps it).
export CCACHE_BASEDIR=$root CCACHE_NOHASHDIR=1
launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)

step "gcc build (-Werror)"
cmake -S . -B build/ci-gcc -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSMTPRECEIVER_WERROR=ON \
  "${launcher[@]}" -DSMTPRECEIVER_BENCH=ON # the benchmark tools are built (not run), so they cannot rot
cmake --build build/ci-gcc -j "$jobs"
step "tests (gcc)"
ctest --test-dir build/ci-gcc --no-tests=error --output-on-failure -j "$jobs"

step "clang build with AddressSanitizer + UBSan, fuzz targets"
cmake -S . -B build/ci-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_COMPILER=clang++ \
  "${launcher[@]}" -DSMTPRECEIVER_WERROR=ON -DSMTPRECEIVER_SANITIZE=ON -DSMTPRECEIVER_FUZZ=ON
cmake --build build/ci-asan -j "$jobs"
step "tests (ASan + UBSan)"
# new_delete_type_mismatch=0: Chromium inside Qt WebEngine frees with a mismatched size (not our code).
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1:new_delete_type_mismatch=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export LSAN_OPTIONS=suppressions=$root/tests/sanitizer/lsan.supp:print_suppressions=0
ctest --test-dir build/ci-asan --no-tests=error --output-on-failure -j "$jobs"

# The fuzzing time is shared: 15 % each to the HTTP request parser, the send API's JSON parser and
# message builder, the MIME parsing of stored mail and the search language, the rest to the SMTP
# session.
http_fuzz_seconds=$((fuzz_seconds * 15 / 100))
send_fuzz_seconds=$http_fuzz_seconds
mime_fuzz_seconds=$http_fuzz_seconds
search_fuzz_seconds=$http_fuzz_seconds
smtp_fuzz_seconds=$((fuzz_seconds - 4 * http_fuzz_seconds))
step "fuzzing the SMTP session for ${smtp_fuzz_seconds}s"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/smtp" "$work/http" "$work/send" "$work/mime" "$work/search"
build/ci-asan/tests/fuzz/fuzz_smtpsession -max_total_time="$smtp_fuzz_seconds" -max_len=4096 \
  -print_final_stats=1 "$work/smtp" tests/fuzz/corpus 2>&1 | tail -n 12
step "fuzzing the HTTP request parser for ${http_fuzz_seconds}s"
build/ci-asan/tests/fuzz/fuzz_httprequestparser -max_total_time="$http_fuzz_seconds" \
  -max_len=4096 -print_final_stats=1 "$work/http" tests/fuzz/corpus-http 2>&1 | tail -n 12
step "fuzzing the send API for ${send_fuzz_seconds}s"
build/ci-asan/tests/fuzz/fuzz_mailpitsend -max_total_time="$send_fuzz_seconds" -max_len=4096 \
  -dict=tests/fuzz/mailpitsend.dict -print_final_stats=1 "$work/send" tests/fuzz/corpus-mailpitsend \
  2>&1 | tail -n 12
step "fuzzing the MIME parsing of stored mail for ${mime_fuzz_seconds}s"
build/ci-asan/tests/fuzz/fuzz_mimeparser -max_total_time="$mime_fuzz_seconds" -max_len=8192 \
  -timeout=10 -print_final_stats=1 "$work/mime" tests/fuzz/corpus-mime 2>&1 | tail -n 12
step "fuzzing the search language for ${search_fuzz_seconds}s"
build/ci-asan/tests/fuzz/fuzz_searchquery -max_total_time="$search_fuzz_seconds" -max_len=512 \
  -timeout=10 -dict=tests/fuzz/search.dict -print_final_stats=1 "$work/search" \
  tests/fuzz/corpus-search 2>&1 | tail -n 12

step "install; build the examples against the installed package and run their tests"
cmake --install build/ci-gcc --prefix "$work/prefix" > /dev/null
for example in embed-widgets qml-inbox; do
  cmake -S "examples/$example" -B "$work/$example" -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix" \
    -DCMAKE_CXX_FLAGS="-Wall -Wextra -Werror" > /dev/null
  cmake --build "$work/$example" -j "$jobs"
  ctest --test-dir "$work/$example" --no-tests=error --output-on-failure
done

step "native install: files, desktop entry, metainfo, manual page"
scripts/check-install.sh build/ci-gcc

step "Debian package: build, install offline, run, purge"
# A build of its own: configured for /usr (Debian's multiarch library and QML directories) and
# without the test exports.
cmake -S . -B build/ci-deb -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr \
  "${launcher[@]}" -DBUILD_TESTING=OFF -DSMTPRECEIVER_WERROR=ON
cmake --build build/ci-deb -j "$jobs"
scripts/check-deb.sh build/ci-deb

step "all tests passed"
