"""WSGI entry point for gunicorn: builds CKAN's app from $CKAN_INI."""

import os

from ckan.cli import CKANConfigLoader
from ckan.config.middleware import make_app

application = make_app(CKANConfigLoader(os.environ["CKAN_INI"]).get_config())
