"""What the casa plugin adds around CKAN's Flask app, in one place."""

from __future__ import annotations

from typing import Any

from ckanext.casa import api_tokens, rate_limits
from ckanext.casa.views import datastore_dump


def install(app: Any, config: Any) -> Any:
    """Called by ``IMiddleware.make_middleware`` with CKAN's Flask app."""
    if hasattr(app, "view_functions"):
        datastore_dump.guard(app)
        # The limiter first: a request with a bad token still uses up the
        # quota of its address before it is refused.
        rate_limits.install(app)
        app.before_request(api_tokens.refuse_invalid_token)
    return app
