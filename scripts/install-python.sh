#!/usr/bin/env bash
# Creates the virtualenv and installs the pinned dependencies plus our two
# packages (ckanext-casa and casa-pipelines) in editable mode.
set -euo pipefail
VENV=${VENV:-.venv}
PYTHON=${PYTHON:-python3}
if [ ! -x "$VENV/bin/python" ]; then
  echo "[python] creating $VENV"
  "$PYTHON" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install -q --upgrade pip wheel setuptools
echo "[python] installing pinned dependencies (first run: about 2 minutes)"
"$VENV/bin/python" -m pip install -q -c requirements/constraints.txt -r requirements/requirements.in
# ckan[requirements] pulls a pytest plugin name that clashes with CKAN's own.
"$VENV/bin/python" -m pip uninstall -q -y pytest-ckan 2>/dev/null || true
"$VENV/bin/python" -m pip install -q --no-deps -e ckanext-casa -e pipelines
echo "[python] ready: $VENV"
