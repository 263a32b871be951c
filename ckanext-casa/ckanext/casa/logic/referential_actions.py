"""The référentiel actions, registered by name (plugin.py reads them here)."""

from __future__ import annotations

from typing import Any

from ckanext.casa.logic import referential_bulk as bulk
from ckanext.casa.logic import referential_catalog as catalog
from ckanext.casa.logic import referential_locate as locate
from ckanext.casa.logic import referential_lookup as lookup
from ckanext.casa.logic import referential_publish as publish
from ckanext.casa.logic import referential_search as search


def get_actions() -> dict[str, Any]:
    return {
        "casa_referential_publish": publish.casa_referential_publish,
        "casa_referential_list": catalog.casa_referential_list,
        "casa_referential_show": catalog.casa_referential_show,
        "casa_referential_diff": catalog.casa_referential_diff,
        "casa_unit_show": lookup.casa_unit_show,
        "casa_unit_search": search.casa_unit_search,
        "casa_unit_history": lookup.casa_unit_history,
        "casa_unit_recode": bulk.casa_unit_recode,
        "casa_unit_aggregate": bulk.casa_unit_aggregate,
        "casa_unit_locate": locate.casa_unit_locate,
    }
