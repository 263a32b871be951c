"""The ``casa_search`` plugin: PostgreSQL as CKAN's search backend."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk

import ckanext.casa.model  # noqa: F401  (declares the search tables)
from ckanext.casa.search import backend


@tk.blanket.config_declarations(str(Path(__file__).with_name("config_declaration.yaml")))
class CasaSearchPlugin(p.SingletonPlugin):
    p.implements(p.IConfigurable)

    def configure(self, config: Any) -> None:
        backend.use(tk.config.get("ckanext.casa.search.backend"))
