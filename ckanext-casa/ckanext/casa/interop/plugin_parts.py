"""The interop pieces the ``casa`` plugin registers: one blueprint holding
the request hooks and routes of this package."""

from __future__ import annotations

from flask import Blueprint

from ckanext.casa.interop import (
    api_page,
    crawling,
    feeds,
    formats,
    linked_data,
    openapi,
    table_schema,
)

casa_interop = Blueprint("casa_interop", __name__)
casa_interop.before_app_request(formats.check_format)
casa_interop.before_app_request(linked_data.negotiate)
casa_interop.add_url_rule("/sitemap.xml", view_func=crawling.sitemap)
casa_interop.add_url_rule("/robots.txt", view_func=crawling.robots)
casa_interop.add_url_rule("/documentation/api", view_func=api_page.api_page)
casa_interop.add_url_rule("/api/openapi.json", view_func=openapi.openapi_json)
casa_interop.add_url_rule("/feeds/releases.atom", view_func=feeds.site_feed)
casa_interop.add_url_rule("/donnees/<slug>/<int:release>/tableschema.json", view_func=table_schema.table_schema)


def get_blueprints() -> list[Blueprint]:
    return [casa_interop]
