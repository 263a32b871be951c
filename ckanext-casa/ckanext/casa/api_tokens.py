"""A request carrying an API token that is not valid is refused, not served.

CKAN treats a revoked, expired or unknown token as no token at all: the
request goes on as the anonymous user, and a script whose token was revoked
silently gets public data only (and "not found" for what it used to read),
with nothing telling it why. This ``before_request`` hook, run after CKAN
has identified the user, answers such a request with a 401 and a message.
"""

from __future__ import annotations

from typing import Any

from flask import jsonify, request
from flask_login import current_user

import ckan.plugins.toolkit as tk


def refuse_invalid_token() -> Any:
    header = tk.config.get("apitoken_header_name") or "Authorization"
    token = request.headers.get(header, "").strip()
    # "Basic ..." is HTTP authentication for a proxy in front, not a token.
    if not token or token.lower().startswith("basic "):
        return None
    if not current_user.is_anonymous:
        return None
    message = tk._("The API token is not valid: it was revoked, has expired or is unknown. "
                   "Send a valid token, or none to be served as an anonymous user.")
    response = jsonify({"success": False, "error": {"__type": "Authorization Error", "message": message}})
    response.status_code = 401
    return response
