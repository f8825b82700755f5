# shellcheck shell=bash
# Sourced by check-install.sh and check-deb.sh (which define die and the cleanup trap that kills
# $server_pid): opens the window of an installed smtp-receiver offscreen on a free port and
# returns once its SMTP server answers, which proves the window module was found and loaded.
#   window_opens BINARY WORKDIR
window_opens() {
  local bin=$1 work=$2 port up=0
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  QT_QPA_PLATFORM=offscreen "$bin" --smtp "127.0.0.1:$port" --database :memory: \
    > "$work/gui.out" 2> "$work/gui.err" &
  server_pid=$!
  for _ in $(seq 1 150); do
    kill -0 "$server_pid" 2> /dev/null || break
    if python3 -c 'import socket, sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1).close()' \
      "$port" 2> /dev/null; then
      up=1
      break
    fi
    sleep 0.2
  done
  if [ "$up" -ne 1 ]; then
    cat "$work/gui.err" >&2
    die "the window did not start (no SMTP on 127.0.0.1:$port within 30 s)"
  fi
  kill -TERM "$server_pid" 2> /dev/null || true
  for _ in $(seq 1 50); do kill -0 "$server_pid" 2> /dev/null || break; sleep 0.2; done
  kill -KILL "$server_pid" 2> /dev/null || true
  wait "$server_pid" 2> /dev/null || true
  server_pid=""
  echo "  the window's server answered on 127.0.0.1:$port"
}
