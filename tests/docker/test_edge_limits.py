"""The production nginx limits the API at its edge, as CKAN does behind it:
per address and per API token, 429 with Retry-After; and the production
ini turns CKAN's own quotas on, reading the address nginx forwards."""

from __future__ import annotations

import configparser
import re
import shutil
import subprocess
from pathlib import Path

import pytest

DOCKER = Path(__file__).resolve().parents[2] / "docker"
NGINX = (DOCKER / "nginx" / "default.conf").read_text()


def _location(path: str) -> str:
    match = re.search(rf"location {re.escape(path)} \{{(.*?)\n    \}}", NGINX, re.DOTALL)
    assert match, f"no location {path}"
    return match.group(1)


def test_api_is_limited_per_address_and_per_token() -> None:
    zones = dict(re.findall(r"limit_req_zone\s+(\S+)\s+zone=(\w+):", NGINX))
    assert zones.get("$binary_remote_addr") and zones.get("$api_token_client")
    assert "$http_authorization" in NGINX
    api = _location("/api/")
    for zone in zones.values():
        assert f"limit_req zone={zone}" in api
    assert "limit_req_status 429;" in NGINX


def test_refusal_says_when_to_retry() -> None:
    refusal = _location("@too_many_requests")
    assert re.search(r"add_header Retry-After \d+ always;", refusal)
    assert "X-RateLimit-Limit" in refusal
    assert re.search(r"return 429 '\{\"success\": false", refusal)


def test_pages_are_not_limited_at_the_edge() -> None:
    assert "limit_req " not in _location("/")


def test_ckan_quotas_are_on_behind_one_proxy() -> None:
    parser = configparser.RawConfigParser(strict=False)
    parser.read(DOCKER / "ckan.ini")
    ini = parser["app:main"]
    assert ini["ckanext.casa.rate_limit.enabled"] == "true"
    assert ini["ckanext.casa.rate_limit.proxies"] == "1"
    assert "X-Forwarded-For $proxy_add_x_forwarded_for" in _location("/api/")


def test_nginx_accepts_the_configuration(tmp_path: Path) -> None:
    nginx = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
    if not nginx:
        pytest.skip("nginx is not installed here (the static checks above still ran)")
    # The compose service name does not resolve here: a loopback upstream.
    (tmp_path / "default.conf").write_text(
        NGINX.replace("server ckan:5000", "server 127.0.0.1:9").replace("listen 80;", "listen 127.0.0.1:9;"))
    temp = " ".join(f"{kind}_temp_path {tmp_path / kind};" for kind in ("client_body", "proxy", "fastcgi",
                                                                       "uwsgi", "scgi"))
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path / 'nginx.pid'}; error_log {tmp_path / 'error.log'};\n"
        f"events {{}}\nhttp {{ access_log off; {temp} include {tmp_path / 'default.conf'}; }}\n")
    result = subprocess.run([nginx, "-t", "-c", str(tmp_path / "nginx.conf"), "-p", str(tmp_path)],
                            capture_output=True, text=True, timeout=30, check=False)
    assert result.returncode == 0, result.stderr
