#!/usr/bin/env bash
# One-step set-up and run on Debian/Ubuntu: installs the system libraries Qt and the PDF tests
# need, makes .venv, installs OrderBook Desk into it, then runs the app or the tests.
#   bash installer/dev.sh run [--demo] [--db PATH]   # the GUI
#   bash installer/dev.sh test [pytest args]         # the test suite (SQLite, and PostgreSQL:
#                                                    # a throwaway server is started for it)
#   bash installer/dev.sh cli [args]                 # the `orderbook` command line
set -euo pipefail
cd "$(dirname "$0")/.."

DEBS=(libegl1 libgl1 libfontconfig1 libfreetype6 libxkbcommon0 libxkbcommon-x11-0 libglib2.0-0
      libdbus-1-3 libx11-6 libxcb1 libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0 libxcb-shape0
      libxcb-randr0 libxcb-render-util0 libxcb-image0 libxcb-xkb1 fonts-wqy-zenhei poppler-utils
      python3-venv postgresql)

install_debs() {
  command -v dpkg >/dev/null || return 0
  local missing=()
  for pkg in "${DEBS[@]}"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "Installing Debian packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

make_venv() {
  local py="${PYTHON:-python3}"
  if [ ! -x .venv/bin/python ]; then
    "$py" -m venv .venv
  fi
  echo "Installing OrderBook Desk into .venv (log: .venv/install.log)"
  if ! { .venv/bin/python -m pip install --upgrade pip &&
         .venv/bin/python -m pip install -e ".[test,postgres]"; } > .venv/install.log 2>&1; then
    tail -n 30 .venv/install.log >&2
    echo "Installation failed; the whole log is in .venv/install.log" >&2
    exit 1
  fi
}

# A throwaway PostgreSQL server for the service tests (they run on SQLite and on PostgreSQL).
PG_BIN=""
PG_TMP=""
PG_AS=()

stop_postgres() {
  if [ -n "$PG_TMP" ]; then
    "${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_TMP/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$PG_TMP"
  fi
}

start_postgres() {
  [ -n "${ORDERBOOK_TEST_PG:-}" ] && return 0
  PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -z "$PG_BIN" ]; then
    echo "PostgreSQL not installed: the service tests run on SQLite only."
    return 0
  fi
  PG_TMP=$(mktemp -d)
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres "$PG_TMP"
    PG_AS=(runuser -u postgres --)
  fi
  local port=$(( 55000 + RANDOM % 5000 ))
  trap stop_postgres EXIT
  "${PG_AS[@]}" "$PG_BIN/initdb" -D "$PG_TMP/data" -A trust -U postgres >/dev/null
  "${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_TMP/data" -l "$PG_TMP/log" -w \
    -o "-p $port -k $PG_TMP -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
  export ORDERBOOK_TEST_PG="postgresql://postgres@127.0.0.1:$port/postgres"
  echo "PostgreSQL for the tests: $ORDERBOOK_TEST_PG"
}

cmd="${1:-run}"
shift || true
install_debs
make_venv
case "$cmd" in
  run)  exec .venv/bin/orderbook-desk "$@" ;;
  test) start_postgres; .venv/bin/python -m pytest "$@" ;;
  cli)  exec .venv/bin/orderbook "$@" ;;
  *)    echo "usage: bash installer/dev.sh run|test|cli [args]" >&2; exit 2 ;;
esac
