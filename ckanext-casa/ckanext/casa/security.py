"""What the casa plugin adds around CKAN's Flask app, in one place."""

from __future__ import annotations

from typing import Any

from ckanext.casa import api_tokens
from ckanext.casa.views import datastore_dump


def install(app: Any, config: Any) -> Any:
    """Called by ``IMiddleware.make_middleware`` with CKAN's Flask app."""
    if hasattr(app, "view_functions"):
        datastore_dump.guard(app)
        app.before_request(api_tokens.refuse_invalid_token)
    return app
