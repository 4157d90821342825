#!/bin/sh
# Install the Debian packages zhuxin needs (as root), or print the exact command and stop.
# usage: tools/ensure_system.sh run|test|bench
set -e
need=""
command -v python3 >/dev/null || need="$need python3"
python3 -c 'import ensurepip, venv' 2>/dev/null || need="$need python3-venv"
command -v npm >/dev/null || need="$need nodejs npm"
dpkg -s fonts-wqy-microhei >/dev/null 2>&1 || need="$need fonts-wqy-microhei"
if [ "$1" = "test" ]; then
  [ -x /usr/bin/chromium ] || need="$need chromium"
  command -v pdftoppm >/dev/null || need="$need poppler-utils"   # the PDFs rendered in browser tests
  command -v faketime >/dev/null || need="$need faketime"   # make test-clock
fi
if [ "$1" = "bench" ]; then
  command -v wrk >/dev/null || need="$need wrk"
  command -v valgrind >/dev/null || need="$need valgrind"   # bench.instructions (callgrind)
fi
[ -z "$need" ] && exit 0
if [ "$(id -u)" = "0" ]; then
  echo "installing Debian packages:$need"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >/dev/null
else
  echo "zhuxin needs these Debian packages:$need"
  echo "run:  sudo apt-get update && sudo apt-get install -y$need"
  exit 1
fi
