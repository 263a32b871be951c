"""The ``casa`` plugin: the portal's schema, themes, templates and CLI."""

from __future__ import annotations

from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.lib.plugins import DefaultTranslation

from ckanext.casa import cli, security
from ckanext.casa.interop import plugin_parts as interop
from ckanext.casa.logic import (
    activity_privacy,
    auth,
    datastore_errors,
    datastore_formulas,
    datastore_text,
    localized_groups,
    privacy,
    privacy_auth,
    referential_actions,
    referential_views,
    release_history,
    url_safety,
)
from ckanext.casa.views import downloads, reports
from ckanext.casa.views.map_view import MapView, create_views_after_write
from ckanext.datastore.interfaces import IDatastore


def _actions() -> dict:
    actions = {**referential_actions.get_actions(), **localized_groups.get_actions(),
               **privacy.get_actions(), **datastore_errors.get_actions()}
    if p.plugin_loaded("activity"):
        actions.update(activity_privacy.get_actions())
    return actions


def _auth_functions() -> dict:
    return {**auth.get_auth_functions(), **privacy_auth.get_auth_functions()}


def _blueprints() -> list:
    return [*referential_views.get_blueprints(), *downloads.get_blueprints(), *reports.get_blueprints(),
            *interop.get_blueprints()]


@tk.blanket.config_declarations
@tk.blanket.helpers
@tk.blanket.actions(_actions)
@tk.blanket.auth_functions(_auth_functions)
@tk.blanket.blueprints(_blueprints)
@tk.blanket.validators(url_safety.get_validators)
class CasaPlugin(p.SingletonPlugin, DefaultTranslation, MapView):
    # ITranslation: our catalogues, i18n/<fr|ar|en>/LC_MESSAGES/ckanext-casa.mo,
    # merged over CKAN's own (ours win, so they also supply CKAN strings that
    # CKAN's fr and ar catalogues lack).
    p.implements(p.ITranslation)
    p.implements(p.IConfigurer)
    p.implements(p.IClick)
    p.implements(IDatastore, inherit=True)
    p.implements(p.IMiddleware, inherit=True)
    p.implements(p.IPackageController, inherit=True)
    # IResourceView: the casa_map view (views/map_view.py).
    p.implements(p.IResourceView, inherit=True)

    def update_config(self, config: tk.CKANConfig) -> None:
        tk.add_template_directory(config, "templates")
        tk.add_public_directory(config, "public")

    # IMiddleware: our guards around CKAN's own views (security.py).
    def make_middleware(self, app: Any, config: Any) -> Any:
        return security.install(app, config)

    def get_commands(self) -> list:
        return [cli.casa]

    # IPackageController: the licence's title in the page's language. A
    # dataset read from the search index (package_show's cache) carries the
    # title in the language it was indexed in.
    def after_dataset_show(self, context: Any, pkg_dict: dict[str, Any]) -> dict[str, Any]:
        from ckan import model

        license_ = model.Package.get_license_register().get(pkg_dict.get("license_id") or "")
        if license_ is not None:
            pkg_dict["license_title"] = license_.title
        return pkg_dict

    # IPackageController: table and map previews of a dataset's resources
    # (views/map_view.py) and its publications in its activity stream
    # (logic/release_history.py), as soon as it is written.
    def after_dataset_create(self, context: Any, pkg_dict: dict[str, Any]) -> None:
        create_views_after_write(pkg_dict, created=True)
        release_history.record(pkg_dict["id"])

    def after_dataset_update(self, context: Any, pkg_dict: dict[str, Any]) -> None:
        create_views_after_write(pkg_dict, created=False)
        release_history.record(pkg_dict["id"])

    # IDatastore: folded text search in the pipelines' published tables.
    def datastore_search(self, context: Any, data_dict: dict[str, Any], fields_types: dict[str, str],
                         query_dict: dict[str, Any]) -> dict[str, Any]:
        query_dict = datastore_text.fold_text_query(context, data_dict, query_dict)
        return datastore_formulas.neutralise_formulas(data_dict, fields_types, query_dict)
