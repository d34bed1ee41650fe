#!/usr/bin/env bash
# GovHall developer entry point: the README's two commands.
#   installers/dev.sh run    set up, migrate, load the demo hall, start the server and (with a screen) a connected hall
#   installers/dev.sh test   set up and run the whole test suite
#                            (--faked-clock[=MOMENT] or GOVHALL_FAKE_CLOCK=MOMENT: every process's clock starts at
#                            MOMENT, default "hostile" = Saturday 2027-01-09 03:40 China time; see the README)
#   installers/dev.sh setup  only set up (system packages when root, virtualenv, package install)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"
venv=${GOVHALL_VENV:-$here/.venv}

# Debian packages the project needs at run or test time:
#   fonts-noto-cjk  Chinese glyphs for Qt screens, tickets and PDFs (no empty boxes)
#   libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3  Qt's offscreen/xcb platform plugins
#   libzbar0        QR decoding (pyzbar)
#   espeak-ng       voice fallback and clip rendering
#   pcscd vsmartcard-vpcd libpcsclite-dev swig  PC/SC stack and the build of pyscard
#   poppler-utils   pdftoppm: notice tests render the PDFs a second way and save page images to look at
#   libfaketime faketime  the faked-clock test run (and tests that pin a child process's clock)
#   gcc libc6-dev   builds pyscard and the small sleep shim installers/faketime/monotonic_sleep.c
#   libxcb-* libx11-xcb1 libxkbcommon-x11-0  what Qt's xcb plugin links (ldd .../platforms/libqxcb.so) for a real screen
#   xvfb xdotool imagemagick  run --check and the acceptance test: virtual screen, taps and typing, screenshots
#   chromium chromium-driver  the citizens' phone pages and the public verification page, tested in a real browser
system_packages=(fonts-noto-cjk libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3
                 libzbar0 espeak-ng pcscd vsmartcard-vpcd libpcsclite-dev swig poppler-utils
                 libfaketime faketime gcc libc6-dev
                 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 libxcb-render-util0
                 libxcb-shape0 libxcb-xkb1 libx11-xcb1 libxkbcommon-x11-0 xvfb xdotool imagemagick
                 chromium chromium-driver)

say() { printf '\033[1m[govhall]\033[0m %s\n' "$*"; }

install_system_packages() {
  local missing=()
  for p in "${system_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    say "installing system packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    say "WARNING: missing system packages (run as root or install them): ${missing[*]}"
    say "         tests that need them will be skipped or fail with a message naming them"
  fi
}

find_python() {
  for py in "${GOVHALL_PYTHON:-}" python3 python3.13 python3.12 python3.11; do
    [ -n "$py" ] || continue
    if command -v "$py" >/dev/null && "$py" -c "import sys; sys.exit(sys.version_info < (3, 11))" 2>/dev/null; then
      echo "$py"; return 0
    fi
  done
  say "ERROR: Python 3.11 or newer is required"; exit 1
}

setup() {
  install_system_packages
  if [ ! -x "$venv/bin/python" ]; then
    local py; py=$(find_python)
    say "creating virtualenv $venv with $($py --version)"
    "$py" -m venv "$venv"
  fi
  local stamp="$venv/.govhall-installed"
  if [ ! -f "$stamp" ] || [ setup.cfg -nt "$stamp" ]; then
    say "installing GovHall and its dependencies into $venv"
    "$venv/bin/python" -m pip install -q --upgrade pip 2>/dev/null | grep -v '^WARNING: Location' || true
    local extras="dev"
    dpkg-query -W -f='${Status}' libpcsclite-dev 2>/dev/null | grep -q "install ok installed" && extras="dev,pcsc"
    "$venv/bin/python" -m pip install -q -e ".[$extras]" 2>&1 | grep -v '^WARNING: Location' || true
    "$venv/bin/python" -c 'import fastapi, sqlalchemy, PySide6' || { say "ERROR: install failed"; exit 1; }
    touch "$stamp"
  fi
  # Announcement clips are rendered once with espeak-ng into the user's cache (not committed as blobs).
  if command -v espeak-ng >/dev/null; then
    "$venv/bin/python" -m drivers.tts.clips >/dev/null 2>&1 || say "WARNING: could not render announcement clips"
  fi
}

ensure_postgres() {
  # Tests marked pg need PostgreSQL at 127.0.0.1:5432 (database "test"); start the local cluster if it is down.
  command -v pg_isready >/dev/null || return 0
  pg_isready -q -h 127.0.0.1 -p 5432 && return 0
  if [ "$(id -u)" -eq 0 ] && [ -d /etc/postgresql ]; then
    say "starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
    for _ in $(seq 1 20); do pg_isready -q -h 127.0.0.1 -p 5432 && return 0; sleep 0.5; done
  fi
  say "WARNING: PostgreSQL is not reachable at 127.0.0.1:5432; tests marked pg will skip (or fail when CI=true)"
}

cmd=${1:-}
shift || true
case "$cmd" in
  setup) setup ;;
  test)
    fake=${GOVHALL_FAKE_CLOCK:-}
    args=()
    for a in "$@"; do
      case "$a" in
        --faked-clock) fake=hostile ;;
        --faked-clock=*) fake=${a#--faked-clock=} ;;
        *) args+=("$a") ;;
      esac
    done
    setup
    ensure_postgres
    export QT_QPA_PLATFORM=${QT_QPA_PLATFORM:-offscreen}
    if [ -n "$fake" ]; then
      # libfaketime for pytest and, through the inherited environment, every process a test starts.
      exports=$("$venv/bin/python" -m tests.clock "$fake") || { say "ERROR: cannot fake the clock ($fake)"; exit 1; }
      eval "$exports"
      export GOVHALL_FAKE_CLOCK=$fake
      say "running the test suite with the clock faked from $fake ($FAKETIME UTC)"
    else
      say "running the test suite"
    fi
    # One test process per core, at most 4 (pytest-xdist): the suite takes about half the time on 2 cores.
    # GOVHALL_TEST_WORKERS=0 (or -n / -p no:xdist among the arguments) runs it as the arguments say;
    # GOVHALL_TEST_WORKERS=N runs N workers (more than the cores when tests spend time waiting, e.g. 3 on 2 cores).
    workers=${GOVHALL_TEST_WORKERS:-$(n=$(nproc 2>/dev/null || echo 1); echo $(( n > 4 ? 4 : n )))}
    parallel=()
    case " ${args[*]-} " in
      *" -n "*|*" -n"[0-9a]*|*" --numprocesses"*|*"no:xdist"*) ;;
      *) [ "$workers" -gt 1 ] && parallel=(-n "$workers") ;;
    esac
    # In CI, name the slowest tests at the end, so the time the run takes can be kept in check.
    [ -n "${CI:-}" ] && parallel+=(--durations=25)
    exec "$venv/bin/python" -m pytest ${parallel[@]+"${parallel[@]}"} ${args[@]+"${args[@]}"}
    ;;
  run)
    setup
    exec "$venv/bin/python" -m installers.demo "$@"
    ;;
  *)
    echo "usage: installers/dev.sh run|test|setup [args]"; exit 2 ;;
esac
