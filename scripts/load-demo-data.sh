#!/usr/bin/env bash
# Loads the data the pipelines can load into the demo portal. Each loader is
# idempotent: loading the same content again changes nothing.
set -euo pipefail
VENV=${VENV:-.venv}
VAR=${CASA_VAR:-var}
# shellcheck disable=SC1090
source "$VAR/demo/env.sh"
for loader in scripts/demo.d/*.sh; do
  [ -e "$loader" ] || continue
  echo "[demo] $(basename "$loader")"
  bash "$loader"
done
