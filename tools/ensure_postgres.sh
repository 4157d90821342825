#!/bin/sh
# Make sure the local PostgreSQL answers on 127.0.0.1:5432 and has the database `test`.
set -e
if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  if ! command -v pg_ctlcluster >/dev/null; then
    if [ "$(id -u)" != "0" ]; then
      echo "PostgreSQL is not installed; run: sudo apt-get install -y postgresql"; exit 1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  fi
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | tail -1)" main start
  for i in 1 2 3 4 5 6 7 8 9 10; do pg_isready -q -h 127.0.0.1 && break; sleep 1; done
fi
psql -h 127.0.0.1 -U postgres -lqt 2>/dev/null | cut -d'|' -f1 | grep -qw test \
  || createdb -h 127.0.0.1 -U postgres test
