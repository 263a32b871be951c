"""Static checks of the production deployment in docker/.

No Docker engine runs on the build machines, so the compose file is checked
as data: it parses, every service it references exists, every file it mounts
or copies is in the repository, and the CKAN settings it uses are ones our
extension and the plugins it enables actually declare.
"""

from __future__ import annotations

import configparser
import importlib.metadata
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DOCKER = ROOT / "docker"


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((DOCKER / "compose.yaml").read_text())


@pytest.fixture(scope="module")
def ini() -> configparser.SectionProxy:
    parser = configparser.RawConfigParser(strict=False)
    parser.read(DOCKER / "ckan.ini")
    return parser["app:main"]


def test_services_are_the_production_stack(compose):
    assert set(compose["services"]) == {"ckan", "worker", "db", "solr", "redis", "nginx"}


def test_every_referenced_service_exists(compose):
    services = set(compose["services"])
    for name, service in compose["services"].items():
        depends = service.get("depends_on", {})
        for dependency in depends if isinstance(depends, (list, dict)) else []:
            assert dependency in services, f"{name} depends on unknown service {dependency}"


def test_every_named_volume_is_declared(compose):
    declared = set(compose.get("volumes") or {})
    for name, service in compose["services"].items():
        for volume in service.get("volumes", []):
            source = volume.split(":", 1)[0]
            if source.startswith("."):
                assert (DOCKER / source).exists(), f"{name} mounts missing {source}"
            else:
                assert source in declared, f"{name} uses undeclared volume {source}"


def test_dockerfile_copies_existing_paths():
    for line in (DOCKER / "Dockerfile").read_text().splitlines():
        if line.startswith("COPY "):
            source = line.split()[1]
            assert (ROOT / source).exists(), f"Dockerfile copies missing {source}"


def test_urls_point_at_compose_services(compose, ini):
    assert re.match(r"http://solr:8983/solr/\w+$", ini["solr_url"])
    assert ini["ckan.redis.url"].startswith("redis://redis:6379/")
    nginx = (DOCKER / "nginx" / "default.conf").read_text()
    assert "server ckan:5000" in nginx
    example = (DOCKER / "env.example").read_text()
    for key in ("CKAN_SQLALCHEMY_URL", "CKAN_DATASTORE_WRITE_URL", "CKAN_DATASTORE_READ_URL"):
        assert re.search(rf"^{key}=postgresql://[^@]+@db/", example, re.MULTILINE), key


def test_production_uses_solr(ini):
    assert ini["ckanext.casa.search.backend"] == "solr"


def test_enabled_plugins_are_installed(ini):
    registered = {ep.name for ep in importlib.metadata.entry_points(group="ckan.plugins")}
    missing = [p for p in ini["ckan.plugins"].split() if p not in registered]
    assert not missing, f"plugins not installed: {missing}"


def _declared_casa_keys() -> set[str]:
    keys: set[str] = set()
    base = ROOT / "ckanext-casa" / "ckanext" / "casa"
    for path in base.rglob("config_declaration.yaml"):
        for group in yaml.safe_load(path.read_text())["groups"]:
            keys.update(option["key"] for option in group["options"])
    return keys


def test_casa_settings_are_declared(ini):
    declared = _declared_casa_keys()
    used = {key for key in ini if key.startswith("ckanext.casa.")}
    assert used, "the production ini sets no ckanext.casa option"
    assert used <= declared, f"undeclared options: {sorted(used - declared)}"


def test_development_ini_template_settings_are_declared():
    template = (ROOT / "config" / "ckan.ini.in").read_text()
    used = set(re.findall(r"^(ckanext\.casa\.[\w.]+)\s*=", template, re.MULTILINE))
    assert used <= _declared_casa_keys()


def test_wsgi_entry_point_builds_the_app():
    """docker/wsgi.py builds CKAN's app from an ini (here the test one)."""
    env = dict(os.environ, CKAN_INI=os.environ.get("CKAN_INI", ""))
    if not env["CKAN_INI"]:
        pytest.skip("CKAN_INI is not set (run through make test)")
    result = subprocess.run(
        [sys.executable, "-c", "import wsgi; print(type(wsgi.application).__name__)"],
        cwd=DOCKER, env=env, capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip()
