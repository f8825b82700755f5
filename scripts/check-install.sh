#!/usr/bin/env bash
# Installs a build into a temporary prefix with `cmake --install` and checks what lands there:
# every expected file, the desktop entry, the AppStream metainfo and the manual page through
# their validators, the sendmail link, the shared-library dependencies, and that the installed
# binary runs and finds its window module.
#   scripts/check-install.sh BUILD_DIR
# Needs desktop-file-utils, appstream, man-db, python3 (scripts/install-deps.sh).
set -euo pipefail

die() { printf 'check-install: FAILED: %s\n' "$*" >&2; exit 1; }
step() { printf '\n-- %s\n' "$*"; }
# shellcheck source=scripts/lib/window-opens.sh
source "$(dirname "$0")/lib/window-opens.sh"

[ $# -eq 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
build=$(cd "$1" && pwd) || die "no build directory $1"
[ -f "$build/CMakeCache.txt" ] || die "$build is not a configured CMake build directory"
for tool in cmake desktop-file-validate appstreamcli man lexgrog ldd python3; do
  command -v "$tool" > /dev/null || die "$tool is missing (scripts/install-deps.sh installs it)"
done

# The install directories this build was configured with (GNUInstallDirs, relative to the prefix).
cache() { sed -n "s/^$1:[A-Z]*=//p" "$build/CMakeCache.txt"; }
bindir=$(cache CMAKE_INSTALL_BINDIR)
libdir=$(cache CMAKE_INSTALL_LIBDIR)
libexecdir=$(cache CMAKE_INSTALL_LIBEXECDIR)
qmldir=$(cache SMTPRECEIVER_QML_INSTALL_DIR)
includedir=$(cache CMAKE_INSTALL_INCLUDEDIR)
datadir=$(cache CMAKE_INSTALL_DATADIR)
mandir=$(cache CMAKE_INSTALL_MANDIR)
: "${bindir:=bin}" "${libdir:=lib}" "${includedir:=include}" "${datadir:=share}"
: "${mandir:=$datadir/man}"
app_id=io.github.smtp_receiver.SmtpReceiver

work=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2> /dev/null; then
    kill -KILL "$server_pid" 2> /dev/null || true
    wait "$server_pid" 2> /dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
prefix=$work/prefix

step "cmake --install $build --prefix <tmp>"
cmake --install "$build" --prefix "$prefix" > "$work/install.log" \
  || { cat "$work/install.log" >&2; die "cmake --install failed"; }

step "expected files"
# ---- Expected files, relative to the prefix: one per line, add new ones here. ---------------
expected_files="
$bindir/smtp-receiver
$libdir/libSmtpReceiverCore.so
$libdir/libSmtpReceiverCore.so.0
$includedir/SmtpReceiver/smtpserver.h
$includedir/SmtpReceiver/smtpmessage.h
$includedir/SmtpReceiver/smtpreceiver_export.h
$libdir/libSmtpReceiverHttp.so
$libdir/libSmtpReceiverHttp.so.0
$includedir/SmtpReceiver/smtphttpapi.h
$includedir/SmtpReceiver/smtpreceiverhttp_export.h
$libdir/cmake/SmtpReceiver/SmtpReceiverConfig.cmake
$libdir/cmake/SmtpReceiver/SmtpReceiverConfigVersion.cmake
$libdir/cmake/SmtpReceiver/SmtpReceiverTargets.cmake
$libdir/smtp-receiver/smtp-receiver-gui.so
$libexecdir/smtp-receiver/sendmail
$qmldir/SmtpReceiver/qmldir
$qmldir/SmtpReceiver/SmtpReceiverQml.qmltypes
$qmldir/SmtpReceiver/libSmtpReceiverQml.so
$datadir/doc/smtp-receiver/copyright
$datadir/applications/$app_id.desktop
$datadir/icons/hicolor/scalable/apps/$app_id.svg
$datadir/metainfo/$app_id.metainfo.xml
$mandir/man1/smtp-receiver.1.gz
"
# ---- End of the expected files. --------------------------------------------------------------
missing=0
while IFS= read -r file; do
  [ -n "$file" ] || continue
  if [ -e "$prefix/$file" ]; then
    printf '  ok       %s\n' "$file"
  else
    printf '  MISSING  %s\n' "$file"
    missing=1
  fi
done <<< "$expected_files"
[ "$missing" -eq 0 ] || die "files are missing from the install (see above)"

step "sendmail link"
link=$prefix/$libexecdir/smtp-receiver/sendmail
[ -L "$link" ] || die "$libexecdir/smtp-receiver/sendmail is not a symbolic link"
target=$(readlink "$link")
case $target in /*) die "the sendmail link is absolute ($target); it must be relative" ;; esac
[ "$(readlink -f "$link")" = "$(readlink -f "$prefix/$bindir/smtp-receiver")" ] \
  || die "the sendmail link points to $target, not to $bindir/smtp-receiver"
echo "  $libexecdir/smtp-receiver/sendmail -> $target"

step "desktop-file-validate"
# Exit status non-zero on errors; warnings count as failures too. Hints are printed, not fatal.
desktop_out=$(desktop-file-validate "$prefix/$datadir/applications/$app_id.desktop" 2>&1) \
  || { echo "$desktop_out"; die "desktop-file-validate found errors"; }
[ -n "$desktop_out" ] && echo "$desktop_out"
if grep -q -E ': (error|warning): ' <<< "$desktop_out"; then
  die "desktop-file-validate reported warnings"
fi
echo "  valid"

step "appstreamcli validate --no-net"
# Fails on errors and warnings; infos and pedantic notes are printed.
appstreamcli validate --no-net "$prefix/$datadir/metainfo/$app_id.metainfo.xml" \
  || die "appstreamcli validate failed"
# The same against the installed tree: the launchable desktop file and the icon must be there.
appstreamcli validate-tree --no-net "$prefix" || die "appstreamcli validate-tree failed"

step "man --warnings -l"
man_page=$prefix/$mandir/man1/smtp-receiver.1.gz
man_warnings=$(MANWIDTH=80 man --warnings -l "$man_page" 2>&1 > /dev/null) \
  || die "man could not format the manual page"
[ -z "$man_warnings" ] || { echo "$man_warnings"; die "the manual page has warnings"; }
lexgrog "$man_page" || die "lexgrog cannot parse the NAME section"
echo "  no warnings"

step "shared libraries"
for elf in "$bindir/smtp-receiver" "$libdir/libSmtpReceiverCore.so.0" \
  "$libdir/libSmtpReceiverHttp.so.0" "$libdir/smtp-receiver/smtp-receiver-gui.so"; do
  ldd "$prefix/$elf" > "$work/ldd" || die "ldd $elf failed"
  if grep -q 'not found' "$work/ldd"; then
    grep 'not found' "$work/ldd"
    die "$elf has unresolved libraries"
  fi
  # Our own library must come from the prefix, never from the build tree.
  core=$(sed -n 's/.*libSmtpReceiverCore\.so\.0 => \([^ ]*\).*/\1/p' "$work/ldd")
  case $core in
    "" | "$prefix"/*) ;;
    *) die "$elf loads libSmtpReceiverCore from $core, not from the prefix" ;;
  esac
  echo "  ok  $elf${core:+ (libSmtpReceiverCore: ${core#"$prefix"/})}"
done

step "the installed binary"
export HOME=$work/home XDG_DATA_HOME=$work/home/data XDG_CONFIG_HOME=$work/home/config
export XDG_RUNTIME_DIR=$work/runtime
mkdir -p "$HOME" "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
version=$("$prefix/$bindir/smtp-receiver" --version) || die "smtp-receiver --version failed"
echo "  $version"

# The window module must be found from the binary's own location. Open the window offscreen
# on a free port; the window's server answering SMTP proves the module was loaded.
window_opens "$prefix/$bindir/smtp-receiver" "$work"

printf '\ncheck-install: all checks passed\n'
