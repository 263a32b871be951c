"""Fixtures of the CKAN extension suite (run with CKAN's pytest plugin)."""

from __future__ import annotations

import pytest


@pytest.fixture
def clean_db(reset_db, migrate_db_for, with_plugins):
    """CKAN's ``clean_db``, plus the tables of our plugins' migrations."""
    reset_db()
    migrate_db_for("casa_search")


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def gunicorn_portal(ckan_config):
    """Starts gunicorn on the test configuration, as production serves the
    portal, and returns its base address; every server started is stopped at
    the end of the test. ``own_site_url`` makes the server's own address the
    site's (pages that address frames or files by the site URL need it)."""
    import os
    import subprocess
    import sys
    import time
    from pathlib import Path

    import requests

    docker = Path(__file__).resolve().parents[2] / "docker"
    started: list[subprocess.Popen] = []

    def start(own_site_url: bool = False, tries: int = 120) -> str:
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        env = dict(os.environ, CKAN_INI=ckan_config["__file__"])
        if own_site_url:
            env["CKAN_SITE_URL"] = base
        proc = subprocess.Popen(
            [sys.prefix + "/bin/gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "1",
             "--chdir", str(docker), "wsgi:application"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        started.append(proc)
        for _ in range(tries):
            try:
                if requests.get(f"{base}/api/3/action/status_show", timeout=2).ok:
                    return base
            except requests.RequestException:
                time.sleep(0.5)
        pytest.fail("the portal did not start: " + proc.stderr.read1().decode()[-2000:])

    yield start
    for proc in started:
        proc.terminate()
        proc.wait(timeout=30)
