"""The ``casa`` plugin: the portal's schema, themes, templates and CLI."""

from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk

from ckanext.casa import cli
from ckanext.casa.logic import auth, referential_catalog, referential_views
from ckanext.casa.views import downloads


def _blueprints() -> list:
    return [*referential_views.get_blueprints(), *downloads.get_blueprints()]


@tk.blanket.config_declarations
@tk.blanket.helpers
@tk.blanket.actions(referential_catalog.get_actions)
@tk.blanket.auth_functions(auth.get_auth_functions)
@tk.blanket.blueprints(_blueprints)
class CasaPlugin(p.SingletonPlugin):
    p.implements(p.IConfigurer)
    p.implements(p.IClick)

    def update_config(self, config: tk.CKANConfig) -> None:
        tk.add_template_directory(config, "templates")
        tk.add_public_directory(config, "public")

    def get_commands(self) -> list:
        return [cli.casa]
