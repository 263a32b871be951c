"""The ``casa`` plugin: the portal's schema, themes, templates and CLI."""

from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk

from ckanext.casa import cli
from ckanext.casa.logic import auth, referential_catalog, referential_views


@tk.blanket.config_declarations
@tk.blanket.helpers
@tk.blanket.actions(referential_catalog.get_actions)
@tk.blanket.auth_functions(auth.get_auth_functions)
@tk.blanket.blueprints(referential_views.get_blueprints)
class CasaPlugin(p.SingletonPlugin):
    p.implements(p.IConfigurer)
    p.implements(p.IClick)

    def update_config(self, config: tk.CKANConfig) -> None:
        tk.add_template_directory(config, "templates")
        tk.add_public_directory(config, "public")

    def get_commands(self) -> list:
        return [cli.casa]
