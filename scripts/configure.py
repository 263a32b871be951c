#!/usr/bin/env python3
"""Prepare one profile of the platform (``demo`` or ``test``): secrets,
database roles and databases, and the CKAN ini rendered from
``config/ckan.ini.in``. Idempotent: safe to run again and again.

Everything machine-specific comes from variables (see ``defaults()``), so
no path or secret of a machine is ever committed. Secrets are generated once
into ``$CASA_VAR/secrets.json`` (mode 0600, git-ignored).

Standard library only: it runs before or without the virtualenv.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import string
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def log(message: str) -> None:
    print(f"\033[1;34m[configure]\033[0m {message}", flush=True)


def defaults(profile: str) -> dict[str, str]:
    var = Path(os.environ.get("CASA_VAR", ROOT / "var")).resolve()
    prefix = os.environ.get("CASA_DB_PREFIX")
    if prefix is None:
        prefix = "casa" if profile == "demo" else "casa_test"
    elif profile == "demo":
        # A custom prefix must not make the demo share the test databases,
        # which the test suites empty.
        prefix += "_demo"
    port = os.environ.get("CASA_PORT", "5000")
    return {
        "PROFILE": profile,
        "ROOT": str(ROOT),
        "VAR": str(var),
        "PROFILE_DIR": str(var / profile),
        "PG_HOST": os.environ.get("CASA_PG_HOST", "127.0.0.1"),
        "PG_PORT": os.environ.get("CASA_PG_PORT", "5432"),
        "CKAN_DB": f"{prefix}_catalogue",
        "DS_DB": f"{prefix}_datastore",
        "CKAN_DB_USER": "casa_ckan",
        "DS_WRITE_USER": "casa_ds_write",
        "DS_READ_USER": "casa_ds_read",
        "REDIS_URL": os.environ.get(
            "CASA_REDIS_URL", f"redis://127.0.0.1:6379/{1 if profile == 'demo' else 2}"
        ),
        "SITE_URL": os.environ.get("CASA_SITE_URL", f"http://127.0.0.1:{port}"),
        "SEARCH_BACKEND": os.environ.get("CASA_SEARCH_BACKEND", "postgres"),
        "DEBUG": "false",
        "TESTING": "true" if profile == "test" else "false",
        # The suites call the API far faster than any quota allows; the
        # tests of the quotas turn them on for themselves.
        "RATE_LIMITS": "false" if profile == "test" else "true",
    }


def load_secrets(var: Path) -> dict[str, str]:
    path = var / "secrets.json"
    data: dict[str, str] = {}
    if path.exists():
        data = json.loads(path.read_text())
    wanted = ("CKAN_DB_PASSWORD", "DS_WRITE_PASSWORD", "DS_READ_PASSWORD", "SECRET_KEY")
    changed = False
    for key in wanted:
        if key not in data:
            data[key] = secrets.token_urlsafe(24)
            changed = True
    if changed:
        var.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump(data, handle, indent=2)
    return data


class Superuser:
    """Runs SQL as the PostgreSQL superuser: over TCP as ``postgres`` when
    the server trusts it, else through the ``postgres`` system account."""

    def __init__(self, host: str, port: str) -> None:
        self.host, self.port = host, port
        tcp = ["psql", "-h", host, "-p", port, "-U", "postgres", "-w"]
        if self._works(tcp):
            self.base = tcp
            return
        for runner in (["runuser", "-u", "postgres", "--"], ["sudo", "-u", "postgres"]):
            if shutil.which(runner[0]) and self._works(runner + ["psql", "-p", port]):
                self.base = runner + ["psql", "-p", port]
                return
        sys.exit(
            "Cannot reach PostgreSQL as its superuser (tried TCP as 'postgres' "
            "and the 'postgres' system account). Run scripts/system-deps.sh first."
        )

    @staticmethod
    def _works(cmd: list[str]) -> bool:
        try:
            result = subprocess.run(
                cmd + ["-d", "postgres", "-Atc", "select 1"],
                capture_output=True, text=True, timeout=20, check=False,
            )
        except (OSError, subprocess.TimeoutExpired):
            return False
        return result.returncode == 0

    def run(self, sql: str, db: str = "postgres", stdin: str | None = None) -> str:
        cmd = self.base + ["-d", db, "-v", "ON_ERROR_STOP=1", "-Atq"]
        if stdin is None:
            cmd += ["-c", sql]
        result = subprocess.run(cmd, input=stdin, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            sys.exit(f"PostgreSQL refused: {result.stderr.strip()}\n  while running: {sql[:200]}")
        return result.stdout.strip()

    def scalar(self, sql: str, db: str = "postgres") -> str:
        return self.run(sql, db)


def quote_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def ensure_role(su: Superuser, name: str, password: str) -> None:
    exists = su.scalar(f"SELECT 1 FROM pg_roles WHERE rolname = {quote_literal(name)}")
    verb = "ALTER" if exists else "CREATE"
    su.run(f'{verb} ROLE "{name}" WITH LOGIN PASSWORD {quote_literal(password)}')


def ensure_database(su: Superuser, name: str, owner: str) -> bool:
    exists = su.scalar(f"SELECT 1 FROM pg_database WHERE datname = {quote_literal(name)}")
    if exists:
        return False
    # A UTF-8 ctype is what lets PostgreSQL's text search parser see Arabic
    # and accented letters as letters.
    su.run(
        f'CREATE DATABASE "{name}" OWNER "{owner}" TEMPLATE template0 '
        "ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
    )
    return True


def render_ini(values: dict[str, str], target: Path) -> None:
    template = string.Template((ROOT / "config" / "ckan.ini.in").read_text())
    target.parent.mkdir(parents=True, exist_ok=True)
    content = template.substitute(values)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(content)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("profile", choices=["demo", "test"])
    args = parser.parse_args()

    values = defaults(args.profile)
    values.update(load_secrets(Path(values["VAR"])))
    profile_dir = Path(values["PROFILE_DIR"])
    for sub in ("storage", "logs"):
        (profile_dir / sub).mkdir(parents=True, exist_ok=True)

    su = Superuser(values["PG_HOST"], values["PG_PORT"])
    ensure_role(su, values["CKAN_DB_USER"], values["CKAN_DB_PASSWORD"])
    ensure_role(su, values["DS_WRITE_USER"], values["DS_WRITE_PASSWORD"])
    ensure_role(su, values["DS_READ_USER"], values["DS_READ_PASSWORD"])
    if ensure_database(su, values["CKAN_DB"], values["CKAN_DB_USER"]):
        log(f"created database {values['CKAN_DB']} (catalogue, no PostGIS)")
    if ensure_database(su, values["DS_DB"], values["DS_WRITE_USER"]):
        log(f"created database {values['DS_DB']} (datastore, PostGIS)")
    su.run("CREATE EXTENSION IF NOT EXISTS postgis", db=values["DS_DB"])
    # unaccent folds French accents in the published tables' search column.
    su.run("CREATE EXTENSION IF NOT EXISTS unaccent", db=values["DS_DB"])
    # The staging schema: the pipelines' unpublished tables, out of reach of
    # the public read-only user.
    su.run(
        f'CREATE SCHEMA IF NOT EXISTS casa_staging AUTHORIZATION "{values["DS_WRITE_USER"]}";'
        f' REVOKE ALL ON SCHEMA casa_staging FROM PUBLIC, "{values["DS_READ_USER"]}"',
        db=values["DS_DB"],
    )

    ini = profile_dir / "ckan.ini"
    render_ini(values, ini)
    log(f"wrote {ini}")
    (profile_dir / "env.sh").write_text(
        f"export CKAN_INI={ini}\n"
        f"export CASA_DATASTORE_URL=postgresql://{values['DS_WRITE_USER']}:"
        f"{values['DS_WRITE_PASSWORD']}@{values['PG_HOST']}:{values['PG_PORT']}/{values['DS_DB']}\n"
    )
    os.chmod(profile_dir / "env.sh", 0o600)


if __name__ == "__main__":
    main()
