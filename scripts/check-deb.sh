#!/usr/bin/env bash
# Builds the Debian package of a build directory, installs it with apt (offline: every dependency
# must already be installed, as scripts/install-deps.sh leaves the machine), runs the installed
# /usr/bin/smtp-receiver headless, sends it a message with swaks, checks the JSON event, opens the
# window offscreen to prove the window module is found, and purges the package again, also
# when a check fails.
#   scripts/check-deb.sh BUILD_DIR
# Run as root (or with sudo available); it installs and removes the package smtp-receiver.
set -euo pipefail

die() { printf 'check-deb: FAILED: %s\n' "$*" >&2; exit 1; }
step() { printf '\n-- %s\n' "$*"; }
# shellcheck source=scripts/lib/window-opens.sh
source "$(dirname "$0")/lib/window-opens.sh"

[ $# -eq 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
build=$(cd "$1" && pwd) || die "no build directory $1"
[ -f "$build/CPackConfig.cmake" ] || die "$build has no CPackConfig.cmake; configure it first"
# The package installs under /usr, but the directories inside it (lib/<triplet> for Debian's
# multiarch, where Qt looks for QML modules) are fixed when the build is configured.
prefix=$(sed -n 's/^CMAKE_INSTALL_PREFIX:[A-Z]*=//p' "$build/CMakeCache.txt")
[ "$prefix" = /usr ] || die "$build is configured for $prefix; a Debian package needs a build \
configured with -DCMAKE_INSTALL_PREFIX=/usr (then CMAKE_INSTALL_LIBDIR is lib/<triplet>)"
for tool in cpack dpkg-deb dpkg-shlibdeps apt-get swaks python3 ldd; do
  command -v "$tool" > /dev/null || die "$tool is missing (scripts/install-deps.sh installs it)"
done
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo > /dev/null || die "must run as root (or with sudo) to install the package"
  sudo="sudo"
fi
package=smtp-receiver
installed_state() { dpkg-query -W -f='${db:Status-Status}' "$package" 2> /dev/null || true; }
state=$(installed_state)
if [ -n "$state" ] && [ "$state" != "not-installed" ] && [ "$state" != "config-files" ]; then
  die "$package is already installed ($state); this check would remove it. apt-get purge $package first"
fi

# Everything this script starts or installs is undone here, whatever happens.
work=$(mktemp -d)
chmod 755 "$work" # apt reads the .deb as its _apt user
server_pid=""
we_install=0
cleanup() {
  local rc=$?
  set +e
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2> /dev/null; then
    kill -KILL "$server_pid" 2> /dev/null
    wait "$server_pid" 2> /dev/null
  fi
  if [ "$we_install" -eq 1 ]; then
    local now
    now=$(installed_state)
    if [ -n "$now" ] && [ "$now" != "not-installed" ]; then
      printf '\n-- apt-get purge -y %s\n' "$package"
      if ! DEBIAN_FRONTEND=noninteractive $sudo apt-get purge -y -q "$package" > "$work/purge.log" 2>&1; then
        cat "$work/purge.log" >&2
        printf 'check-deb: FAILED: could not purge %s; remove it by hand\n' "$package" >&2
        rc=1
      fi
      now=$(installed_state)
      if [ -n "$now" ] && [ "$now" != "not-installed" ]; then
        printf 'check-deb: FAILED: %s is still %s after the purge\n' "$package" "$now" >&2
        rc=1
      else
        echo "  purged"
      fi
    fi
  fi
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

step "cpack -G DEB in $build"
rm -f "$build"/"$package"_*.deb
(cd "$build" && cpack -G DEB) > "$work/cpack.log" 2>&1 || { cat "$work/cpack.log" >&2; die "cpack failed"; }
sed 's/^/  /' "$work/cpack.log"
# CPack's one expected warning: modules loaded with dlopen() (the window module, a QML plugin)
# have no soname and so no line in the shlibs file. Any other warning fails. (A library that
# dpkg-shlibdeps cannot resolve, our own included, is an error that fails cpack itself.)
python3 - "$work/cpack.log" << 'EOF' || die "cpack printed warnings (see above)"
import re, sys
text = open(sys.argv[1]).read()
blocks = re.findall(r"^CMake (?:Warning|Error).*?(?:\n\n|\Z)", text, re.M | re.S)
module = r"Shared library\s+'[^']*/(smtp-receiver|qt6/qml)/[^']*\.so'\s+is\s+missing\s+soname"
bad = [b for b in blocks if not re.search(module, b)]
sys.exit(1 if bad else 0)
EOF
shopt -s nullglob
debs=("$build"/"$package"_*.deb)
shopt -u nullglob
[ ${#debs[@]} -eq 1 ] || die "expected one ${package}_*.deb in $build, found ${#debs[@]}"
deb=$work/$(basename "${debs[0]}")
cp "${debs[0]}" "$deb"
chmod 644 "$deb"
echo "  $(basename "$deb")"

step "dpkg-deb --info"
dpkg-deb --info "$deb"
depends=$(dpkg-deb -f "$deb" Depends)
echo
echo "Depends: $depends"
version=$(dpkg-deb -f "$deb" Version)
# What the program loads: the SQLite driver plugin (not linked), the window's libraries (the xcb
# platform plugin is in libqt6gui6, the SVG icon engine in libqt6svg6), GMime, QtKeychain, QtPdf,
# zstd (the store's compression).
for needed in libqt6sql6-sqlite libqt6core6 libqt6network6 libqt6gui6 libqt6widgets6 libqt6svg6 \
  libqt6webenginewidgets6 libqt6websockets6 libgmime-3.0-0 libqt6keychain1 libqt6pdf6 libzstd1; do
  grep -q -E "(^|, )$needed( |,|$)" <<< "$depends" || die "Depends lacks $needed"
done
if grep -q -i smtpreceiver <<< "$depends"; then
  die "Depends names our own library: dpkg-shlibdeps did not find it inside the package"
fi

step "files in the package"
dpkg-deb -c "$deb" | awk '{ print "  " $6 ($7 ? " " $7 " " $8 : "") }' | grep -v '/$'

step "apt-get install ./$(basename "$deb") (offline)"
# Simulate first: every dependency must be installed already, so that nothing is downloaded.
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -s -q --no-install-recommends "$deb" \
  > "$work/simulate.log" 2>&1 || { cat "$work/simulate.log" >&2; die "apt-get cannot install the package"; }
others=$(sed -n 's/^Inst \([^ ]*\) .*/\1/p' "$work/simulate.log" | grep -v -x "$package" || true)
if [ -n "$others" ]; then
  while IFS= read -r other; do echo "  would need: $other" >&2; done <<< "$others"
  die "installing the package would download other packages; run scripts/install-deps.sh"
fi
we_install=1
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "$deb" > "$work/install.log" 2>&1 || { cat "$work/install.log" >&2; die "apt-get install failed"; }
grep -E '^(Setting up|Unpacking) ' "$work/install.log" | sed 's/^/  /'
[ "$(installed_state)" = "installed" ] || die "$package is not installed after apt-get install"

step "installed files"
bin=/usr/bin/smtp-receiver
[ -x "$bin" ] || die "$bin is missing"
gui_module=$(dpkg -L "$package" | grep '/smtp-receiver/smtp-receiver-gui\.so$' || true)
[ -n "$gui_module" ] || die "the package has no smtp-receiver/smtp-receiver-gui.so"
sendmail_link=$(dpkg -L "$package" | grep '^/usr/libexec/smtp-receiver/sendmail$' || true)
[ -n "$sendmail_link" ] || die "the package has no smtp-receiver/sendmail link"
[ "$(readlink -f "$sendmail_link")" = "$bin" ] || die "$sendmail_link does not lead to $bin"
core=$(dpkg -L "$package" | grep '/libSmtpReceiverCore\.so\.0$' || true)
[ -n "$core" ] || die "the package has no libSmtpReceiverCore.so.0"
http_lib=$(dpkg -L "$package" | grep '/libSmtpReceiverHttp\.so\.0$' || true)
[ -n "$http_lib" ] || die "the package has no libSmtpReceiverHttp.so.0"
echo "  $bin"
echo "  $core"
echo "  $http_lib"
echo "  $gui_module"
echo "  $sendmail_link -> $(readlink "$sendmail_link")"
for elf in "$bin" "$core" "$http_lib" "$gui_module"; do
  ldd "$elf" > "$work/ldd" || die "ldd $elf failed"
  if grep -q 'not found' "$work/ldd"; then
    grep 'not found' "$work/ldd" >&2
    die "$elf has unresolved libraries"
  fi
  if grep -q -E '/(work|build|tmp)/' "$work/ldd"; then
    grep -E '/(work|build|tmp)/' "$work/ldd" >&2
    die "$elf loads a library from outside the system"
  fi
  runpath=$(readelf -d "$elf" | sed -n 's/.*(RUNPATH).*\[\(.*\)\]/\1/p; s/.*(RPATH).*\[\(.*\)\]/\1/p')
  case $runpath in
    "" | "\$ORIGIN"*) ;;
    *) die "$elf has a RUNPATH that is not relative to \$ORIGIN: $runpath" ;;
  esac
  echo "  ldd $elf: no library missing${runpath:+ (RUNPATH $runpath)}"
done

step "$bin --version"
export HOME=$work/home XDG_DATA_HOME=$work/home/data XDG_CONFIG_HOME=$work/home/config
export XDG_RUNTIME_DIR=$work/runtime
mkdir -p "$HOME" "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
got=$("$bin" --version) || die "$bin --version failed"
echo "  $got"
[ "$got" = "smtp-receiver ${version%%-*}" ] || die "--version says '$got', the package is $version"

step "$bin --no-gui --smtp 127.0.0.1:0 --http 127.0.0.1:0 --json, one message with swaks"
"$bin" --no-gui --smtp 127.0.0.1:0 --http 127.0.0.1:0 --json > "$work/events" 2> "$work/server.err" &
server_pid=$!
port=""
for _ in $(seq 1 100); do
  if ! kill -0 "$server_pid" 2> /dev/null; then
    cat "$work/server.err" >&2
    die "the server exited before it listened"
  fi
  port=$(head -n 1 "$work/events" | python3 -c '
import json, sys
line = sys.stdin.readline()
if line.endswith("\n"):
    event = json.loads(line)
    assert event["event"] == "listening", line
    print(event["smtp"].rsplit(":", 1)[1])
') || die "the first line is not a listening event: $(head -n 1 "$work/events")"
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || die "no listening line within 10 s"
echo "  $(head -n 1 "$work/events")"
# The HTTP API answers its liveness probe, 200 with its Date field.
head -n 1 "$work/events" | python3 -c '
import json, sys, urllib.request
event = json.loads(sys.stdin.readline())
url = "http://%s/livez" % event["http"]
answer = urllib.request.urlopen(url, timeout=10)
assert answer.status == 200, answer.status
assert answer.headers.get("Date", "").endswith(" GMT"), dict(answer.headers)
print("  GET %s: %d, Date: %s" % (url, answer.status, answer.headers["Date"]))
' || die "the HTTP API did not answer"

swaks --server "127.0.0.1:$port" --to a@example.test --from b@example.test --body hi \
  > "$work/swaks.log" 2>&1 || { cat "$work/swaks.log" >&2; die "swaks could not send the message"; }
message=""
for _ in $(seq 1 50); do
  message=$(grep -m 1 '"event":"message"' "$work/events" || true)
  [ -n "$message" ] && break
  sleep 0.1
done
[ -n "$message" ] || { cat "$work/events" "$work/server.err" >&2; die "no message event after swaks"; }
echo "  $message"
python3 - "$message" << 'EOF' || die "the message event does not describe the message swaks sent"
import json, sys
event = json.loads(sys.argv[1])
assert event["event"] == "message"
assert event["mailfrom"] == "b@example.test", event["mailfrom"]
assert event["rcpttos"] == ["a@example.test"], event["rcpttos"]
assert event["remoteAddress"] == "127.0.0.1", event["remoteAddress"]
assert event["size"] > 0 and isinstance(event["id"], int)
EOF

# The installed sendmail link, the way PHP's mail() calls it: -t -i, recipients from the headers.
printf 'To: php@example.test\nSubject: via sendmail\n\nhello\n' \
  | SMTP_RECEIVER_SMTP="127.0.0.1:$port" "$sendmail_link" -t -i \
  || die "$sendmail_link -t -i could not submit a message"
for _ in $(seq 1 50); do
  grep -q '"subject":"via sendmail"' "$work/events" && break
  sleep 0.1
done
grep '"subject":"via sendmail"' "$work/events" | grep -q '"rcpttos":\["php@example.test"\]' \
  || { cat "$work/events" >&2; die "the message sent through $sendmail_link did not arrive"; }
echo "  $sendmail_link -t -i: the message arrived"

kill -TERM "$server_pid"
server_rc=0
for _ in $(seq 1 100); do kill -0 "$server_pid" 2> /dev/null || break; sleep 0.1; done
kill -0 "$server_pid" 2> /dev/null && die "the server did not exit within 10 s of SIGTERM"
wait "$server_pid" || server_rc=$?
server_pid=""
[ "$server_rc" -eq 0 ] || { cat "$work/server.err" >&2; die "the server exited with $server_rc after SIGTERM, not 0"; }
echo "  SIGTERM: exit status 0"
[ -f "$XDG_DATA_HOME/smtp-receiver/smtp-receiver/messages.sqlite" ] \
  || die "the default store \$XDG_DATA_HOME/smtp-receiver/smtp-receiver/messages.sqlite was not created"
listed=$("$bin" --list --json | grep -c '"event":"message"') || true
[ "$listed" = 2 ] || die "--list --json shows $listed messages in the default store, not 2"
echo "  --list --json: both messages are in the default store"

step "$bin opens its window (offscreen)"
# The window module must be found next to the installed binary: its server answering SMTP on
# the port we give proves it was loaded.
window_opens "$bin" "$work"

step "import SmtpReceiver from Debian's own QML directory"
# No import path given: the QML module must be where Debian's Qt looks, and load and listen.
cat > "$work/tst_installed.qml" << 'QML'
import QtQuick
import QtTest
import SmtpReceiver

TestCase {
    name: "InstalledQmlModule"
    SmtpServer { id: server; port: 0; store: SmtpMessageStore { path: ":memory:" } }
    SmtpInboxModel { id: inbox }
    function test_listens() {
        tryVerify(() => server.listening, 5000);
        verify(server.serverPort > 0);
        compare(inbox.count, 0);
    }
}
QML
QT_QPA_PLATFORM=offscreen /usr/lib/qt6/bin/qmltestrunner -input "$work/tst_installed.qml" \
  > "$work/qmltest.log" 2>&1 || { cat "$work/qmltest.log" >&2; die "the installed QML module does not load"; }
grep -E '^(PASS|Totals)' "$work/qmltest.log" | sed 's/^/  /'

printf '\ncheck-deb: all checks passed\n'
