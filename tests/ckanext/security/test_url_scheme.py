"""A dataset's ``url`` takes only http, https or ftp addresses, and a stored
value with another scheme is shown as text, never as a link."""

from __future__ import annotations

from typing import Any

import pytest

from ckan import model
from ckan.lib import search
from ckan.tests import factories, helpers

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", "casa casa_search scheming_datasets"),
    pytest.mark.ckan_config("scheming.dataset_schemas", "ckanext.casa:schemas/dataset.yaml"),
    pytest.mark.usefixtures("clean_db", "clean_index"),
]

UNSAFE = [
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "\x01javascript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    "www.example.org",
]


@pytest.mark.parametrize("url", UNSAFE)
def test_unsafe_url_is_refused_on_write(url: str) -> None:
    org = factories.Organization()
    with pytest.raises(helpers.logic.ValidationError) as error:
        factories.Dataset(owner_org=org["id"], url=url)
    assert "http://" in error.value.error_dict["url"][0]


@pytest.mark.parametrize("url", ["https://www.hcp.ma/", "http://example.org/a?b=c", "ftp://example.org/f.csv"])
def test_web_address_is_kept(url: str) -> None:
    org = factories.Organization()
    assert factories.Dataset(owner_org=org["id"], url=url)["url"] == url


def test_stored_unsafe_url_is_shown_as_text(app: Any) -> None:
    org = factories.Organization()
    ds = factories.Dataset(owner_org=org["id"], name="legacy", url="https://www.hcp.ma/")
    # A value written before the check: straight into the table.
    model.Session.query(model.Package).filter_by(id=ds["id"]).update({"url": "javascript:alert(1)"})
    model.Session.commit()
    search.rebuild(ds["id"])
    page = app.get("/dataset/legacy", status=200).get_data(as_text=True)
    assert 'href="javascript:' not in page
    assert "javascript:alert(1)" in page


def test_safe_url_is_a_link(app: Any) -> None:
    org = factories.Organization()
    factories.Dataset(owner_org=org["id"], name="sourced", url="https://www.hcp.ma/")
    page = app.get("/dataset/sourced", status=200).get_data(as_text=True)
    assert 'href="https://www.hcp.ma/"' in page
