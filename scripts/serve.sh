#!/usr/bin/env bash
# Serves a profile's portal as production does (docker/compose.yaml): CKAN
# under gunicorn, and CKAN's background worker (RQ on Redis), which builds
# the downloads after a publication. Ctrl-C (SIGINT) or SIGTERM stops both
# and waits for them; if either dies, the other is stopped too.
set -euo pipefail
VENV=${VENV:-.venv}
VAR=${CASA_VAR:-var}
PROFILE=${1:-demo}
PORT=${CASA_PORT:-5000}
# shellcheck disable=SC1090
source "$VAR/$PROFILE/env.sh"

cores=$(nproc 2>/dev/null || echo 2)
# gunicorn's rule of thumb (2 x cores + 1) is for workers that mostly wait;
# CKAN's spend CPU rendering pages and each holds its own copy of CKAN in
# memory: one worker per core plus one, each with two threads for the
# requests that wait on PostgreSQL (3 x 2 on a 2-core machine).
workers=${GUNICORN_WORKERS:-$((cores + 1))}
threads=${GUNICORN_THREADS:-2}

"$VENV/bin/ckan" -c "$CKAN_INI" jobs worker default &
worker=$!
"$VENV/bin/gunicorn" --bind "127.0.0.1:$PORT" --workers "$workers" --threads "$threads" \
  --timeout 120 --graceful-timeout 20 --chdir docker --log-level warning wsgi:application &
web=$!
echo "[serve] gunicorn (pid $web, $workers workers x $threads threads) and the jobs worker (pid $worker)"

stop() {
  trap - INT TERM
  echo "[serve] stopping gunicorn and the jobs worker"
  kill -TERM "$web" "$worker" 2>/dev/null || true
  wait "$web" 2>/dev/null || true
  wait "$worker" 2>/dev/null || true
  echo "[serve] stopped"
  exit "${1:-0}"
}
trap 'stop 130' INT
trap 'stop 143' TERM
# Returns when either ends (or a signal arrives, which runs its trap).
set +e
wait -n "$web" "$worker"
status=$?
set -e
echo "[serve] a process ended (status $status)"
stop "$status"
