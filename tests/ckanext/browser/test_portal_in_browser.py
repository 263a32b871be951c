"""The portal's pages in a real browser (Chromium, headless), served by
gunicorn from the test configuration, searching through our backend."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from ckan.tests import factories

ROOT = Path(__file__).resolve().parents[3]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"

pytestmark = pytest.mark.skipif(
    not (os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)),
    reason="Chromium and chromedriver are installed by scripts/system-deps.sh",
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def portal(clean_db, ckan_config):
    org = factories.Organization(name="bureau-des-donnees", title="Bureau des données")
    factories.Dataset(
        name="ecoles-anfa",
        title="Écoles de l'arrondissement d'Anfa",
        notes="Établissements scolaires. المؤسسات التعليمية في أنفا",
        owner_org=org["id"],
        tags=[{"name": "éducation"}],
    )
    factories.Dataset(name="parcs", title="Parcs et jardins", owner_org=org["id"])
    port = _free_port()
    server = subprocess.Popen(
        [sys.prefix + "/bin/gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "1",
         "--chdir", str(ROOT / "docker"), "wsgi:application"],
        env=dict(os.environ, CKAN_INI=ckan_config["__file__"]),
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                if requests.get(f"{base}/api/3/action/status_show", timeout=2).ok:
                    break
            except requests.RequestException:
                time.sleep(0.5)
        else:
            pytest.fail("the portal did not start: " + server.stderr.read1().decode()[-2000:])
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture
def browser(tmp_path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 f"--user-data-dir={tmp_path / 'profile'}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.mark.ckan_config("ckan.plugins", "casa casa_search scheming_datasets")
def test_search_page_finds_a_dataset_without_accents(portal, browser):
    from selenium.webdriver.common.by import By

    browser.get(f"{portal}/dataset/?q=ecoles")
    titles = [e.text for e in browser.find_elements(By.CSS_SELECTOR, ".dataset-heading a")]
    assert titles == ["Écoles de l'arrondissement d'Anfa"]
    assert "bureau-des-donnees" in browser.page_source  # organization facet


@pytest.mark.ckan_config("ckan.plugins", "casa casa_search scheming_datasets")
def test_arabic_portal_is_right_to_left_and_searches_arabic(portal, browser):
    from selenium.webdriver.common.by import By

    browser.get(f"{portal}/ar/dataset/?q=انفا")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("dir") == "rtl"
    titles = [e.text for e in browser.find_elements(By.CSS_SELECTOR, ".dataset-heading a")]
    assert titles == ["Écoles de l'arrondissement d'Anfa"]
