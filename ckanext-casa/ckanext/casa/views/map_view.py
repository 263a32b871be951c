"""The ``casa_map`` resource view: a map preview of every GeoJSON resource,
drawn in the browser by Leaflet (bundled, public/casa/vendor/leaflet) with
no map tiles, so that it works on a closed network; and the table preview
(CKAN's ``datatables_view``) of every resource backed by the datastore,
created when a dataset is published and by ``ckan casa views`` for those
published before.

CKAN creates default views only for resources that do not need the
datastore when a dataset is written; the ones that need it are left to the
DataPusher or xloader, which our pipelines replace. Hence the hooks here."""

from __future__ import annotations

import logging
from typing import Any

import ckan.plugins.toolkit as tk

log = logging.getLogger(__name__)

VIEW_TYPE = "casa_map"
GEOJSON = {"geojson"}


def is_geojson(resource: dict[str, Any]) -> bool:
    fmt = (resource.get("format") or "").strip().lower()
    url = (resource.get("url") or "").split("?", 1)[0].lower()
    return fmt in GEOJSON or url.endswith(".geojson")


def same_site_path(url: str) -> str:
    """The resource's URL as a path when it is on this site, so that the
    browser fetches it from the page's own origin, whatever the host name
    it is reached by."""
    site = (tk.config.get("ckan.site_url") or "").rstrip("/")
    if site and url.startswith(site + "/"):
        return url[len(site):]
    return url


class MapView:
    """IResourceView of the casa plugin (mixed into CasaPlugin)."""

    def info(self) -> dict[str, Any]:
        return {"name": VIEW_TYPE, "title": tk._("Map"), "icon": "map", "iframed": True,
                "always_available": False, "default_title": tk._("Map"), "requires_datastore": False,
                "preview_enabled": True}

    def can_view(self, data_dict: dict[str, Any]) -> bool:
        return is_geojson(data_dict["resource"])

    def view_template(self, context: Any, data_dict: dict[str, Any]) -> str:
        return "casa/map_view.html"

    def form_template(self, context: Any, data_dict: dict[str, Any]) -> str:
        return "casa/map_view_form.html"

    def setup_template_variables(self, context: Any, data_dict: dict[str, Any]) -> dict[str, Any]:
        resource = data_dict["resource"]
        limit = tk.config.get("ckanext.casa.map_max_bytes")
        size = resource.get("size") or 0
        too_big = isinstance(size, int) and size > limit
        return {"map_url": same_site_path(resource.get("url") or ""), "max_bytes": limit,
                "too_big": too_big, "size_mb": round(size / 1e6, 1) if size else 0,
                "max_mb": round(limit / 1e6)}


def create_views(package: dict[str, Any], defer_commit: bool = False,
                 kinds: tuple[bool, ...] = (True, False)) -> list[dict[str, Any]]:
    """The missing default views of ``package``'s resources: table previews
    of those backed by the datastore (``kinds`` True) and maps of GeoJSON
    files (False). Views that exist are kept; returns the views created.
    With ``defer_commit``, inside a dataset's write, the views are committed
    with it."""
    created: list[dict[str, Any]] = []
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
    context = {"ignore_auth": True, "user": site_user, "defer_commit": defer_commit}
    for datastore in kinds:
        created += tk.get_action("package_create_default_resource_views")(
            dict(context), {"package": package, "create_datastore_views": datastore})
    return created


def create_views_after_write(pkg_dict: dict[str, Any], created: bool) -> None:
    """IPackageController hook: views of a dataset just created or updated.
    ``package_create`` makes the views that need no datastore itself (after
    this hook), ``package_update`` makes none. A view that cannot be created
    must not undo the publication: it is logged, and ``ckan casa views``
    creates it later."""
    if not any(r.get("datastore_active") or is_geojson(r) for r in pkg_dict.get("resources") or []):
        return
    try:
        package = tk.get_action("package_show")({"ignore_auth": True, "use_cache": False},
                                                {"id": pkg_dict["id"]})
        create_views(package, defer_commit=True, kinds=(True,) if created else (True, False))
    except (tk.ValidationError, tk.ObjectNotFound) as exc:
        log.warning("Views of dataset %s not created: %s", pkg_dict.get("name"), exc)
