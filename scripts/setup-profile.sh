#!/usr/bin/env bash
# Prepares one profile (demo or test): databases, ini, migrations, datastore
# permissions; for demo also the organization, themes and sysadmin.
set -euo pipefail
PROFILE=$1
VENV=${VENV:-.venv}
"$VENV/bin/python" scripts/configure.py "$PROFILE"
VAR=${CASA_VAR:-var}
# shellcheck disable=SC1090
source "$VAR/$PROFILE/env.sh"
CKAN="$VENV/bin/ckan -c $CKAN_INI"
echo "[setup] migrating the catalogue database (core and plugins)"
$CKAN db upgrade >/dev/null
echo "[setup] datastore permissions"
"$VENV/bin/python" - "$CKAN_INI" <<'PY'
import subprocess, sys, configparser
ini = sys.argv[1]
sql = subprocess.run([sys.prefix + "/bin/ckan", "-c", ini, "datastore", "set-permissions"],
                     check=True, capture_output=True, text=True).stdout
cfg = configparser.RawConfigParser(strict=False)
cfg.read(ini)
db = cfg["app:main"]["ckan.datastore.write_url"].rsplit("/", 1)[1]
sys.path.insert(0, "scripts")
from configure import Superuser
Superuser("127.0.0.1", "5432").run("", db=db, stdin=sql)
PY
if [ "$PROFILE" = demo ]; then
  $CKAN casa bootstrap
fi
