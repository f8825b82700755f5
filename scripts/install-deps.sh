#!/usr/bin/env bash
# Installs everything smtp-receiver needs to build, run and test on Debian 12, from Debian's
# packages only. Idempotent: when every package is already there it changes nothing.
set -euo pipefail

packages=(
  # build
  cmake ninja-build pkg-config g++ clang libclang-rt-14-dev clang-format
  ccache # scripts/test.sh compiles through it: a second run rebuilds only what changed
  qt6-base-dev libqt6sql6-sqlite qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools qt6-svg-dev
  qt6-httpserver-dev qt6-websockets-dev qt6-declarative-dev qt6-webengine-dev
  qml6-module-qtqml qml6-module-qtqml-workerscript qml6-module-qtqml-models
  libgmime-3.0-dev qt6-translations-l10n
  libzstd-dev # the store keeps raw messages and HTML bodies zstd-compressed
  qtkeychain-qt6-dev # passwords in the system keychain
  qt6-pdf-dev # PDF attachments previewed in the window
  # the QML module's test and the Qt Quick example
  qml6-module-qtquick qml6-module-qtquick-controls qml6-module-qtquick-layouts
  qml6-module-qtquick-window qml6-module-qtquick-templates qml6-module-qttest
  qt6-declarative-dev-tools # qmltestrunner: the installed package's QML module is loaded by it
  # packaging and its checks
  dpkg-dev file desktop-file-utils appstream
  # run and test
  xvfb xauth fonts-dejavu-core openssl ca-certificates curl python3 swaks libnet-ssleay-perl
  php-cli # the sendmail entry point is tested with PHP's mail()
  postfix # its smtp-sink is the relay a release goes to in tests/blackbox/test_relay.py
  tzdata # the HTTP API's ?tz= reads the zones (Debian installs it anyway: priority required)
)

missing=()
for p in "${packages[@]}"; do
  if [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" != "install ok installed" ]; then
    missing+=("$p")
  fi
done
# node and npm for the npm client test (tests/blackbox/mailpit-clients; mailpit-api needs
# node >= 18): Debian's nodejs and npm where there is no node or npm yet. Asked by command, not by
# package: NodeSource's nodejs 20 carries its own npm and conflicts with Debian's npm package,
# which would take it away.
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)

[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing: ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
$sudo apt-get update -q
# Postfix is here for its smtp-sink alone: "No configuration" keeps its installation from asking,
# and leaves no mail system configured or started.
echo "postfix postfix/main_mailer_type select No configuration" | $sudo debconf-set-selections
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
