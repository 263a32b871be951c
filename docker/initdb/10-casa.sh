#!/bin/sh
# Roles and databases of Casa Urban Data, created on the first start of the
# PostGIS container. Passwords come from docker/.env.
set -eu
psql -v ON_ERROR_STOP=1 --username postgres <<SQL
CREATE ROLE casa_ckan LOGIN PASSWORD '${CKAN_DB_PASSWORD}';
CREATE ROLE casa_ds_write LOGIN PASSWORD '${DS_WRITE_PASSWORD}';
CREATE ROLE casa_ds_read LOGIN PASSWORD '${DS_READ_PASSWORD}';
CREATE DATABASE casa_catalogue OWNER casa_ckan TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8';
CREATE DATABASE casa_datastore OWNER casa_ds_write TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8';
SQL
psql -v ON_ERROR_STOP=1 --username postgres -d casa_datastore <<SQL
CREATE EXTENSION IF NOT EXISTS postgis;
CREATE SCHEMA IF NOT EXISTS casa_staging AUTHORIZATION casa_ds_write;
REVOKE ALL ON SCHEMA casa_staging FROM PUBLIC;
SQL
