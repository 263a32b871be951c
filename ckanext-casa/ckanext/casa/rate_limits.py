"""API quotas per client, counted in Redis by Flask-Limiter.

A client is the user a valid API token (or session) identifies, otherwise
its IP address (the address nginx saw, when ``proxies`` says how many
proxies stand in front). A request with a token that is not valid is
counted against its IP address before it is refused, so inventing tokens
buys no quota. Every API answer carries ``X-RateLimit-Limit``,
``X-RateLimit-Remaining`` and ``X-RateLimit-Reset``; past the quota the
answer is a 429 with ``Retry-After`` and CKAN's JSON error shape. Sysadmins
can be exempted. When Redis cannot be reached the request is served
(``swallow_errors``): the quota protects the service, it must not stop it.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import jsonify, request
from flask_limiter import Limiter, RateLimitExceeded, RequestLimit
from flask_login import current_user

import ckan.plugins.toolkit as tk

log = logging.getLogger(__name__)

API_BLUEPRINT = "api"


def client_key() -> str:
    """The user behind the request if one is identified, else its address."""
    if getattr(current_user, "is_authenticated", False):
        return f"user:{current_user.id}"
    return f"ip:{client_address()}"


def client_address() -> str:
    proxies = tk.config.get("ckanext.casa.rate_limit.proxies") or 0
    forwarded = [a.strip() for a in request.headers.get("X-Forwarded-For", "").split(",") if a.strip()]
    if proxies and len(forwarded) >= proxies:
        # Each trusted proxy appends the address it saw: the client's is
        # the proxies-th from the right; anything left of it is the
        # client's own claim.
        return forwarded[-proxies]
    return request.remote_addr or "unknown"


def is_exempt() -> bool:
    if not tk.config.get("ckanext.casa.rate_limit.exempt_sysadmins"):
        return False
    return bool(getattr(current_user, "is_authenticated", False) and getattr(current_user, "sysadmin", False))


def _too_many(limit: RequestLimit) -> Any:
    """The 429 in CKAN's JSON error shape (Flask-Limiter adds Retry-After)."""
    message = tk._("Too many requests: the quota of this client is {quota}. Try again later.").format(
        quota=str(limit.limit))
    response = jsonify({"success": False, "error": {"__type": "Rate Limit Exceeded", "message": message}})
    response.status_code = 429
    return response


def _answer(error: RateLimitExceeded) -> Any:
    # CKAN's own error handlers would render an HTML page instead.
    return error.get_response()


def _retry_after_only_on_refusals(response: Any) -> Any:
    # Flask-Limiter sends Retry-After on every answer; it means "refused,
    # come back in N seconds", so only a 429 keeps it.
    if response.status_code != 429:
        response.headers.pop("Retry-After", None)
    return response


def install(app: Any) -> Limiter | None:
    """Limit CKAN's API blueprint on ``app``, as configured; None when disabled."""
    if not tk.config.get("ckanext.casa.rate_limit.enabled"):
        return None
    blueprint = app.blueprints.get(API_BLUEPRINT)
    if blueprint is None:
        return None
    storage = tk.config.get("ckanext.casa.rate_limit.storage_url") or tk.config.get("ckan.redis.url")
    limiter = Limiter(
        key_func=client_key,
        storage_uri=storage,
        strategy="moving-window",
        headers_enabled=True,
        swallow_errors=True,
        key_prefix="casa_rate_limit",
        on_breach=_too_many,
    )
    limiter.limit(tk.config.get("ckanext.casa.rate_limit.api"), exempt_when=is_exempt)(blueprint)
    # Registered first, so it runs after Flask-Limiter's own after_request.
    app.after_request(_retry_after_only_on_refusals)
    limiter.init_app(app)
    app.register_error_handler(RateLimitExceeded, _answer)
    return limiter
