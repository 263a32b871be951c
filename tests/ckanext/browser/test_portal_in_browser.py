"""The portal's pages in a real browser (Chromium, headless), served by
gunicorn from the test configuration, searching through our backend."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from ckan.tests import factories

ROOT = Path(__file__).resolve().parents[3]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"

pytestmark = pytest.mark.skipif(
    not (os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)),
    reason="Chromium and chromedriver are installed by scripts/system-deps.sh",
)


@pytest.fixture
def portal(clean_db, gunicorn_portal):
    org = factories.Organization(name="bureau-des-donnees", title="Bureau des données")
    factories.Dataset(
        name="ecoles-anfa",
        title="Écoles de l'arrondissement d'Anfa",
        notes="Établissements scolaires. المؤسسات التعليمية في أنفا",
        owner_org=org["id"],
        tags=[{"name": "éducation"}],
    )
    factories.Dataset(name="parcs", title="Parcs et jardins", owner_org=org["id"])
    return gunicorn_portal()


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
