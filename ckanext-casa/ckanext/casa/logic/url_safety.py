"""Web addresses a dataset may link to: ``http``, ``https``, ``ftp`` only.

CKAN accepted ``javascript:alert(1)`` in a dataset's ``url`` field and
ckanext-scheming's ``link.html`` rendered it as a clickable link. The
validator refuses such a value on write; the ``casa_link.html`` display
snippet renders a stored value as a link only when CKAN's ``is_url`` (an
allow-list of schemes, ``ckan.valid_url_schemes``) accepts it, so values
stored before this check are shown as text.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlparse

import ckan.plugins.toolkit as tk

# Browsers drop ASCII control characters and whitespace anywhere in a URL's
# scheme ("java\tscript:" runs): compare the scheme without them.
_IGNORED_BY_BROWSERS = re.compile(r"[\x00-\x20\x7f]+")


def safe_scheme(value: str) -> bool:
    """True when ``value`` is an address with an allowed scheme."""
    schemes = tk.config.get("ckan.valid_url_schemes") or ["http", "https", "ftp"]
    scheme = urlparse(_IGNORED_BY_BROWSERS.sub("", value)).scheme.lower()
    return scheme in schemes and urlparse(value.strip()).scheme.lower() == scheme


def casa_safe_url(value: Any) -> Any:
    """Validator: empty, or a web address whose scheme is allowed."""
    if value is None or value == "" or value is tk.missing:
        return value
    if not isinstance(value, str) or not safe_scheme(value):
        schemes = tk.config.get("ckan.valid_url_schemes") or ["http", "https", "ftp"]
        raise tk.Invalid(tk._("Must be a web address starting with {schemes}.").format(
            schemes=", ".join(f"{s}://" for s in schemes)))
    return value.strip()


def get_validators() -> dict[str, Any]:
    return {"casa_safe_url": casa_safe_url}
