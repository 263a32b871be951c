"""ckanext-dcat's Croissant output (plugin ``croissant``) on CKAN 2.12, for
a dataset published by the real pipeline with its datastore table."""

from __future__ import annotations

import json
from typing import Any

import pytest

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", "datastore casa casa_search scheming_datasets dcat croissant"),
    pytest.mark.ckan_config("scheming.dataset_schemas", "ckanext.casa:schemas/dataset.yaml"),
    pytest.mark.ckan_config("ckanext.dcat.rdf.profiles", "casa_dcat_ap_3"),
    pytest.mark.usefixtures("clean_db", "with_plugins"),
]


def test_croissant_loads_and_describes_the_dataset(app: Any, portal: dict[str, Any]) -> None:
    data = app.get(f"/dataset/{portal['slug']}/croissant.jsonld", status=200).json
    assert data["@type"] in ("sc:Dataset", "Dataset") and data["name"]
    print("CROISSANT", json.dumps(data, ensure_ascii=False)[:2500])
