"""The ``casa_search`` plugin: PostgreSQL as CKAN's search backend, and the
territory facet (search/territory.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk

import ckanext.casa.model  # noqa: F401  (declares the search tables)
from ckanext.casa.search import backend, territory


@tk.blanket.config_declarations(str(Path(__file__).with_name("config_declaration.yaml")))
class CasaSearchPlugin(p.SingletonPlugin):
    p.implements(p.IConfigurable)
    p.implements(p.IFacets, inherit=True)
    p.implements(p.IPackageController, inherit=True)

    def configure(self, config: Any) -> None:
        backend.use(tk.config.get("ckanext.casa.search.backend"))

    # IFacets: the search page facets datasets by the territory they cover.
    def dataset_facets(self, facets_dict: dict[str, Any], package_type: str) -> dict[str, Any]:
        facets_dict[territory.FIELD] = tk._("Territory")
        return facets_dict

    # IPackageController: the territory facet's items by unit name.
    def after_dataset_search(self, search_results: dict[str, Any], search_params: dict[str, Any]) -> dict[str, Any]:
        return territory.label_facet(search_results)
