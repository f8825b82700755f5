# shellcheck shell=bash
# What bench/ingest.sh and bench/ingest-ab.sh share: a free port, waiting for a server's
# greeting, and CPU ticks from /proc. Sourced; expects $py (a python3).
# shellcheck disable=SC2154 # $py is the sourcing script's

free_port() {
  "$py" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}
greets() { # port: true once the server's 220 greeting arrives
  "$py" - "$1" << 'PY' 2> /dev/null
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=2)
sys.exit(0 if s.recv(3) == b"220" else 1)
PY
}
wait_greeting() { # port pid
  for _ in $(seq 200); do
    greets "$1" && return 0
    kill -0 "$2" 2> /dev/null || break
    sleep 0.05
  done
  echo "the server on port $1 did not greet" >&2
  exit 1
}
# utime + stime of a /proc stat file (a process's or a thread's), counted from after the name,
# which may hold spaces.
# shellcheck disable=SC2086 # the fields are split on purpose
stat_ticks() { local s; s=$(cat "$1"); s=${s##*) }; set -- $s; echo $((${12} + ${13})); }
cpu_ticks() { stat_ticks "/proc/$1/stat"; } # pid
