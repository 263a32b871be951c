#!/bin/sh
# Writes the runtime ini (secrets from the environment, extending the
# mounted /etc/ckan/ckan.ini), migrates the database, then runs the command.
set -eu
: "${CKAN_SECRET_KEY:?set CKAN_SECRET_KEY in docker/.env}"
umask 077
cat > /var/lib/ckan/runtime.ini <<INI
[app:main]
use = config:/etc/ckan/ckan.ini
SECRET_KEY = ${CKAN_SECRET_KEY}
WTF_CSRF_SECRET_KEY = ${CKAN_SECRET_KEY}
api_token.jwt.encode.secret = string:${CKAN_SECRET_KEY}
api_token.jwt.decode.secret = string:${CKAN_SECRET_KEY}
INI
if [ "${CASA_MIGRATE:-1}" = 1 ]; then
  ckan -c /var/lib/ckan/runtime.ini db upgrade
fi
exec "$@"
