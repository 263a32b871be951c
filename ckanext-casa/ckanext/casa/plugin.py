"""The ``casa`` plugin: the portal's schema, themes, templates and CLI."""

from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk

from ckanext.casa import cli


@tk.blanket.config_declarations
@tk.blanket.helpers
class CasaPlugin(p.SingletonPlugin):
    p.implements(p.IConfigurer)
    p.implements(p.IClick)

    def update_config(self, config: tk.CKANConfig) -> None:
        tk.add_template_directory(config, "templates")
        tk.add_public_directory(config, "public")

    def get_commands(self) -> list:
        return [cli.casa]
