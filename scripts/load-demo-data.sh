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
# Previews (table, map) of datasets published before they were created on
# publication; a no-op when every dataset has them.
echo "[demo] previews and publication history"
"$VENV/bin/ckan" -c "$CKAN_INI" casa views | tail -2
