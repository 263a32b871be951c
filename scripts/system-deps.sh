#!/usr/bin/env bash
# Installs and starts the system services the platform needs, only when they
# are missing: PostgreSQL with PostGIS, Redis, libmagic, build tools for
# psycopg2, and Chromium with its driver for the browser tests.
# Idempotent: on a machine that already has everything it only checks.
set -euo pipefail

log() { printf '\033[1;34m[system]\033[0m %s\n' "$*"; }

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "Run as root or install sudo." >&2; exit 1; }
  SUDO="sudo"
fi

missing=()
need_pkg() { dpkg -s "$1" >/dev/null 2>&1 || missing+=("$1"); }

command -v psql >/dev/null && command -v pg_ctlcluster >/dev/null || missing+=(postgresql postgresql-contrib)
command -v redis-server >/dev/null || missing+=(redis-server)
need_pkg libmagic1
need_pkg libpq-dev
need_pkg python3-dev
need_pkg python3-venv
need_pkg build-essential
need_pkg chromium
need_pkg chromium-driver

if [ ${#missing[@]} -gt 0 ]; then
  log "installing: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# PostGIS must match the server's major version.
PG_MAJOR=$(ls /etc/postgresql 2>/dev/null | sort -n | tail -n 1)
if [ -z "$PG_MAJOR" ]; then
  PG_MAJOR=$(psql --version | sed -E 's/[^0-9]*([0-9]+).*/\1/')
fi
if [ ! -f "/usr/share/postgresql/${PG_MAJOR}/extension/postgis.control" ]; then
  log "installing postgresql-${PG_MAJOR}-postgis-3"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "postgresql-${PG_MAJOR}-postgis-3" >/dev/null
fi

# Start the services when they are not answering.
if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  log "starting PostgreSQL ${PG_MAJOR}"
  if [ ! -d "/etc/postgresql/${PG_MAJOR}/main" ]; then
    $SUDO pg_createcluster "${PG_MAJOR}" main >/dev/null
  fi
  $SUDO pg_ctlcluster --skip-systemctl-redirect "${PG_MAJOR}" main start
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  log "starting Redis"
  $SUDO redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
  for _ in $(seq 1 30); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 1; done
fi
log "PostgreSQL ${PG_MAJOR} (PostGIS available) and Redis are up"
